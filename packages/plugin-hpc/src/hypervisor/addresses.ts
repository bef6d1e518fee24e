/**
 * Live IPv4 addresses of domains, asked in this order: the DHCP lease of the domain's MAC on its
 * network (`net-dhcp-leases`, the configured reservation), then the guest agent, then the host's
 * ARP table (`domifaddr --source agent|arp`). Each step is one batched virsh process for all the
 * domains still unresolved, so a cluster of any size costs at most three processes.
 */
import type {VirshRunner} from './runner.js'
import {parseDhcpLeases, parseDomifaddr} from './tables.js'
import {checkMac, checkName} from './validate.js'
import type {AddressQuery, AddressSource, DomainAddress} from './types.js'

function pick(addresses: readonly DomainAddress[], mac: string): DomainAddress | undefined {
  return addresses.find((a) => a.mac === mac && !a.ip.startsWith('127.'))
}

async function fromDomifaddr(runner: VirshRunner, queries: readonly AddressQuery[], source: AddressSource, found: Map<string, DomainAddress>): Promise<void> {
  const missing = queries.filter((q) => !found.has(q.domain))
  if (missing.length === 0) return
  const outputs = await runner.batch(missing.map((q) => ['domifaddr', q.domain, '--source', source]))
  missing.forEach((q, i) => {
    const address = pick(parseDomifaddr(outputs[i] ?? '', source), q.mac)
    if (address) found.set(q.domain, address)
  })
}

export async function domainAddresses(runner: VirshRunner, queries: readonly AddressQuery[]): Promise<Map<string, DomainAddress>> {
  const normalised = queries.map((q) => ({domain: checkName(q.domain, 'domain'), mac: checkMac(q.mac), network: checkName(q.network, 'network')}))
  const found = new Map<string, DomainAddress>()
  const networks = [...new Set(normalised.map((q) => q.network))]
  if (networks.length > 0) {
    const outputs = await runner.batch(networks.map((n) => ['net-dhcp-leases', n]))
    const leases = networks.map((network, i) => ({network, leases: parseDhcpLeases(outputs[i] ?? '')}))
    for (const q of normalised) {
      const lease = leases.find((l) => l.network === q.network)?.leases.findLast((l) => l.mac === q.mac)
      if (lease) found.set(q.domain, {ip: lease.ip, prefix: lease.prefix, mac: lease.mac, source: 'lease'})
    }
  }
  await fromDomifaddr(runner, normalised, 'agent', found)
  await fromDomifaddr(runner, normalised, 'arp', found)
  return found
}
