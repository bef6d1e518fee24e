/**
 * An in-memory Hypervisor for tests of the logic above libvirt (what is created, kept, undone,
 * destroyed). It parses the XML it is given with the same readers as VirshHypervisor, records every
 * mutating call in `calls`, and fails a call on demand (`failOn`). Never the only proof that
 * something works on a real libvirtd: the e2e tests are.
 */
import {HypervisorError} from '@ai-how/core'
import {detailsFromXml} from '../../hypervisor/domains.js'
import {ownerFromMetadata, poolMarkerName, sameOwner} from '../../hypervisor/ownership.js'
import type {AddressQuery, ClusterQuery, ClusterView, DhcpHost, DhcpLease, DomainAddress, DomainDetails, DomainState, DomainSummary, Hypervisor, NetworkSummary, OwnedObjects, Owner, PoolSummary, VolumeSummary} from '../../hypervisor/types.js'
import {attr, child, parseXml, text} from '../../hypervisor/xml.js'
import {readNetworkXml} from '../network-xml.js'
import {FakeStorage} from './fake-storage.js'

interface FakeNetwork {
  uuid: string
  xml: string
  active: boolean
  hosts: DhcpHost[]
}

/** Every fake call yields once, as a real call would (interleaving concurrent steps). */
export async function io(): Promise<void> {
  await Promise.resolve()
}

let counter = 0
export function fakeUuid(): string {
  counter += 1
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`
}

export function notFound(what: 'domain' | 'network' | 'pool' | 'volume', name: string): HypervisorError {
  const code = {domain: 'HYPERVISOR_DOMAIN_NOT_FOUND', network: 'HYPERVISOR_NETWORK_NOT_FOUND', pool: 'HYPERVISOR_POOL_NOT_FOUND', volume: 'HYPERVISOR_VOLUME_NOT_FOUND'}[what]
  return new HypervisorError(`${what} ${name} not found`, {code})
}

export class FakeHypervisor implements Hypervisor {
  readonly uri = 'test:///fake'
  readonly calls: string[] = []
  readonly domains = new Map<string, {xml: string; state: DomainState}>()
  readonly networks = new Map<string, FakeNetwork>()
  readonly storage = new FakeStorage(this)
  /** Domains that ignore ACPI shutdown requests. */
  readonly ignoresAcpi = new Set<string>()
  /** Domains whose guest agent answers (the others: not connected). */
  readonly agents = new Set<string>()
  /** Domains holding a managed-save image. */
  readonly saved = new Set<string>()
  /** Domains started from their managed-save image, in order. */
  readonly restored: string[] = []
  /** How far each guest's clock is off the host's, in seconds (guest minus host); read and set through the agent. */
  readonly clockOffsets = new Map<string, number>()
  /** Live addresses the fake reports, by domain name. */
  readonly addresses = new Map<string, string>()
  private readonly failures = new Map<string, Error>()

  /** Makes `method` (for `name`, or for any name) throw `error` until cleared. */
  failOn(method: string, name: string | undefined, error: Error = new HypervisorError(`injected failure of ${method}`, {code: 'HYPERVISOR_COMMAND_FAILED'})): void {
    this.failures.set(name === undefined ? method : `${method} ${name}`, error)
  }

  clearFailures(): void {
    this.failures.clear()
  }

  /** Records a mutating call (and throws an injected failure for it). */
  record(method: string, name: string): void {
    const failure = this.failures.get(`${method} ${name}`) ?? this.failures.get(method)
    if (failure) throw failure
    this.calls.push(`${method} ${name}`)
  }

  private domain(name: string): {xml: string; state: DomainState} {
    const d = this.domains.get(name) ?? [...this.domains.values()].find((x) => detailsFromXml(x.xml, x.state).uuid === name)
    if (!d) throw notFound('domain', name)
    return d
  }

  async defineDomain(xml: string): Promise<void> {
    await io()
    const name = text(parseXml(xml, 'domain'), 'name') ?? ''
    this.record('defineDomain', name)
    const uuid = text(parseXml(xml, 'domain'), 'uuid') ?? fakeUuid()
    const withUuid = xml.includes('<uuid>') ? xml : xml.replace('</name>', `</name>\n  <uuid>${uuid}</uuid>`)
    this.domains.set(name, {xml: withUuid, state: this.domains.get(name)?.state ?? 'shutoff'})
  }

  async startDomain(name: string): Promise<void> {
    await io()
    this.record('startDomain', name)
    const d = this.domain(name)
    if (d.state === 'running') throw new HypervisorError(`domain ${name} is already active`, {code: 'HYPERVISOR_COMMAND_FAILED'})
    d.state = 'running'
    if (this.saved.delete(name)) this.restored.push(name)
  }

  async managedSaveDomain(name: string): Promise<void> {
    await io()
    this.record('managedSaveDomain', name)
    const d = this.domain(name)
    if (d.state !== 'running') throw new HypervisorError(`domain ${name} is not running`, {code: 'HYPERVISOR_NOT_ACTIVE'})
    // As QEMU: a domain with an assigned host device cannot be migrated, hence not saved.
    if (d.xml.includes('<hostdev')) throw new HypervisorError(`Requested operation is not valid: domain has assigned non-USB host devices`, {code: 'HYPERVISOR_COMMAND_FAILED'})
    d.state = 'shutoff'
    this.saved.add(name)
  }

  async removeManagedSave(name: string): Promise<void> {
    await io()
    this.record('removeManagedSave', name)
    this.domain(name)
    this.saved.delete(name)
  }

  async managedSavedDomains(names: readonly string[]): Promise<Set<string>> {
    await io()
    return new Set(names.filter((n) => this.saved.has(n)))
  }

  private agent(name: string): void {
    if (this.domain(name).state !== 'running') throw new HypervisorError(`domain ${name} is not running`, {code: 'HYPERVISOR_NOT_ACTIVE'})
    if (!this.agents.has(name)) throw new HypervisorError('Guest agent is not responding: QEMU guest agent is not connected', {code: 'HYPERVISOR_COMMAND_FAILED'})
  }

  async guestTime(name: string): Promise<number> {
    await io()
    this.agent(name)
    return Math.floor(Date.now() / 1000 + (this.clockOffsets.get(name) ?? 0))
  }

  async syncGuestTime(name: string): Promise<void> {
    await io()
    this.record('syncGuestTime', name)
    this.agent(name)
    this.clockOffsets.set(name, 0)
  }

  async shutdownDomain(name: string): Promise<void> {
    await io()
    this.record('shutdownDomain', name)
    const d = this.domain(name)
    if (d.state !== 'running') throw new HypervisorError(`domain ${name} is not running`, {code: 'HYPERVISOR_NOT_ACTIVE'})
    if (!this.ignoresAcpi.has(name)) d.state = 'shutoff'
  }

  async agentShutdownDomain(name: string): Promise<void> {
    await io()
    this.record('agentShutdownDomain', name)
    const d = this.domain(name)
    if (d.state !== 'running') throw new HypervisorError(`domain ${name} is not running`, {code: 'HYPERVISOR_NOT_ACTIVE'})
    if (!this.agents.has(name)) throw new HypervisorError('Guest agent is not responding: QEMU guest agent is not connected', {code: 'HYPERVISOR_COMMAND_FAILED'})
    d.state = 'shutoff'
  }

  async forceOffDomain(name: string): Promise<void> {
    await io()
    this.record('forceOffDomain', name)
    const d = this.domain(name)
    if (d.state === 'shutoff') throw new HypervisorError(`domain ${name} is not running`, {code: 'HYPERVISOR_NOT_ACTIVE'})
    d.state = 'shutoff'
  }

  async undefineDomain(name: string): Promise<void> {
    await io()
    this.record('undefineDomain', name)
    if (this.domain(name).state !== 'shutoff') throw new Error(`fake: undefine of the running domain ${name} (stop it first)`)
    this.domains.delete(name)
    // As `virsh undefine --managed-save`.
    this.saved.delete(name)
  }

  async domainState(name: string): Promise<DomainState> {
    await io()
    return this.domains.get(name)?.state ?? 'absent'
  }

  async domainStates(names: readonly string[]): Promise<Map<string, DomainState>> {
    await io()
    return new Map(names.map((n) => [n, this.domains.get(n)?.state ?? 'absent']))
  }

  async domainXml(name: string): Promise<string> {
    await io()
    return this.domain(name).xml
  }

  async domainUuid(name: string): Promise<string> {
    await io()
    return detailsFromXml(this.domain(name).xml, 'shutoff').uuid
  }

  async describeDomains(names: readonly string[]): Promise<Map<string, DomainDetails>> {
    await io()
    const out = new Map<string, DomainDetails>()
    for (const name of names) {
      const d = this.domains.get(name)
      if (d) out.set(name, detailsFromXml(d.xml, d.state))
    }
    return out
  }

  async listDomains(): Promise<DomainSummary[]> {
    await io()
    return [...this.domains.values()].map((d) => {
      const details = detailsFromXml(d.xml, d.state)
      return {name: details.name, uuid: details.uuid, state: d.state}
    })
  }

  async defineNetwork(xml: string): Promise<void> {
    await io()
    const name = text(parseXml(xml, 'network'), 'name') ?? ''
    this.record('defineNetwork', name)
    if (this.networks.has(name)) throw new HypervisorError(`network ${name} already exists`, {code: 'HYPERVISOR_ALREADY_EXISTS'})
    this.networks.set(name, {uuid: fakeUuid(), xml, active: false, hosts: readNetworkXml(xml).hosts})
  }

  private network(name: string): FakeNetwork {
    const n = this.networks.get(name)
    if (!n) throw notFound('network', name)
    return n
  }

  async startNetwork(name: string): Promise<void> {
    await io()
    this.record('startNetwork', name)
    this.network(name).active = true
  }

  async setNetworkAutostart(name: string): Promise<void> {
    await io()
    this.record('setNetworkAutostart', name)
    this.network(name)
  }

  async addDhcpHost(network: string, host: DhcpHost): Promise<void> {
    await io()
    this.record('addDhcpHost', `${network} ${host.name}`)
    this.network(network).hosts.push({...host})
  }

  async removeDhcpHost(network: string, host: DhcpHost): Promise<void> {
    await io()
    this.record('removeDhcpHost', `${network} ${host.name}`)
    const n = this.network(network)
    n.hosts = n.hosts.filter((h) => !(h.mac === host.mac && h.ip === host.ip && h.name === host.name))
  }

  async destroyNetwork(name: string): Promise<void> {
    await io()
    this.record('destroyNetwork', name)
    const n = this.network(name)
    if (!n.active) throw new HypervisorError(`network ${name} is not active`, {code: 'HYPERVISOR_NOT_ACTIVE'})
    n.active = false
  }

  async undefineNetwork(name: string): Promise<void> {
    await io()
    this.record('undefineNetwork', name)
    this.network(name)
    this.networks.delete(name)
  }

  async networkXml(name: string): Promise<string> {
    await io()
    const n = this.network(name)
    const hosts = n.hosts.map((h) => `<host mac='${h.mac}' name='${h.name}' ip='${h.ip}'/>`).join('')
    return n.xml.replace(/<dhcp>[\s\S]*<\/dhcp>/, (dhcp) => dhcp.replace(/<host [^>]*\/>\s*/g, '').replace('</dhcp>', `${hosts}</dhcp>`))
  }

  async listNetworks(): Promise<NetworkSummary[]> {
    await io()
    return [...this.networks.entries()].map(([name, n]) => {
      const doc = parseXml(n.xml, 'network')
      return {name, uuid: n.uuid, active: n.active, owner: ownerFromMetadata(child(doc, 'metadata')), bridge: attr(child(doc, 'bridge'), 'name')}
    })
  }

  async dhcpLeases(network: string): Promise<DhcpLease[]> {
    await io()
    this.network(network)
    return []
  }

  definePool(xml: string): Promise<void> { return this.storage.definePool(xml) }
  buildPool(name: string): Promise<void> { return this.storage.simple('buildPool', name) }
  startPool(name: string): Promise<void> { return this.storage.setActive('startPool', name, true) }
  setPoolAutostart(name: string): Promise<void> { return this.storage.simple('setPoolAutostart', name) }
  refreshPool(name: string): Promise<void> { return this.storage.simple('refreshPool', name) }
  destroyPool(name: string): Promise<void> { return this.storage.setActive('destroyPool', name, false) }
  deletePoolDirectory(name: string): Promise<void> { return this.storage.deleteDirectory(name) }
  undefinePool(name: string): Promise<void> { return this.storage.undefinePool(name) }
  poolXml(name: string): Promise<string> { return Promise.resolve(this.storage.pool(name).xml) }
  listPools(): Promise<PoolSummary[]> { return Promise.resolve(this.storage.listPools()) }
  markPoolOwned(pool: string, owner: Owner): Promise<void> { return this.storage.addVolume(pool, poolMarkerName(owner)) }
  createVolume(pool: string, xml: string): Promise<void> { return this.storage.addVolume(pool, text(parseXml(xml, 'volume'), 'name') ?? '') }
  deleteVolume(pool: string, name: string): Promise<void> { return this.storage.deleteVolume(pool, name) }
  listVolumes(pool: string): Promise<VolumeSummary[]> { return Promise.resolve(this.storage.listVolumes(pool)) }
  volumePath(pool: string, name: string): Promise<string> { return Promise.resolve(this.storage.volumePath(pool, name)) }
  importBaseImage(pool: string, name: string, imagePath: string): Promise<{path: string; created: boolean}> { return this.storage.importImage(pool, name, imagePath) }

  async domainAddresses(queries: readonly AddressQuery[]): Promise<Map<string, DomainAddress>> {
    await io()
    const out = new Map<string, DomainAddress>()
    for (const q of queries) {
      const ip = this.addresses.get(q.domain)
      if (ip !== undefined && this.domains.get(q.domain)?.state === 'running') out.set(q.domain, {ip, prefix: 24, mac: q.mac, source: 'lease'})
    }
    return out
  }

  async describeCluster(query: ClusterQuery): Promise<ClusterView> {
    const [networks, pools, domains, managedSaved] = await Promise.all([this.listNetworks(), this.listPools(), this.describeDomains(query.domains), this.managedSavedDomains(query.domains)])
    return {network: networks.find((n) => n.name === query.network), pool: pools.find((p) => p.name === query.pool), domains, managedSaved}
  }

  async listOwned(cluster: string, kind: string): Promise<OwnedObjects> {
    await io()
    const owner = {cluster, kind}
    const domains = [...this.domains.values()].map((d) => detailsFromXml(d.xml, d.state)).filter((d) => sameOwner(d.owner, owner))
    const networks = (await this.listNetworks()).filter((n) => sameOwner(n.owner, owner))
    const pools = this.storage.listPools()
    return {
      domains,
      networks,
      pools: pools.filter((p) => sameOwner(p.owner, owner)),
      unverifiedPools: pools.filter((p) => !p.active && p.name.startsWith(`${cluster}-`)),
    }
  }

  /** Every object name the fake holds (for "nothing left" assertions). */
  inventory(): string[] {
    const volumes = this.storage.allVolumes()
    return [...[...this.domains.keys()].map((d) => `domain ${d}`), ...[...this.networks.keys()].map((n) => `network ${n}`), ...this.storage.listPools().map((p) => `pool ${p.name}`), ...volumes.map((v) => `volume ${v}`)].sort()
  }
}
