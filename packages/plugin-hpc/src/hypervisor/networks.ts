/**
 * Network operations over virsh: define/start/autostart, DHCP host reservations changed live and
 * persistently with `net-update`, teardown, and a listing with ownership read from `<metadata>`.
 */
import {hasCode} from '@ai-how/core'
import {ownerFromMetadata} from './ownership.js'
import type {VirshRunner} from './runner.js'
import {parseDhcpLeases, parseInfo, parseUuids} from './tables.js'
import {checkIpv4, checkMac, checkName} from './validate.js'
import {attr, child, parseXml, text} from './xml.js'
import type {DhcpHost, DhcpLease, NetworkSummary} from './types.js'

export async function defineNetwork(runner: VirshRunner, xml: string): Promise<void> {
  await runner.run(['net-define', '/dev/stdin'], {input: xml})
}

export async function setNetworkAutostart(runner: VirshRunner, name: string, enabled: boolean): Promise<void> {
  checkName(name, 'network')
  await runner.run(['net-autostart', name, ...(enabled ? [] : ['--disable'])])
}

async function isActive(runner: VirshRunner, name: string): Promise<boolean> {
  return parseInfo(await runner.run(['net-info', name])).get('Active') === 'yes'
}

/** The `<host>` element for net-update; every value is validated, so nothing needs escaping. */
function hostXml(host: DhcpHost): string {
  return `<host mac='${checkMac(host.mac)}' name='${checkName(host.name, 'host')}' ip='${checkIpv4(host.ip)}'/>`
}

/** `--config` always (survives restarts), `--live` too when the network runs (dnsmasq is told at once). */
async function updateFlags(runner: VirshRunner, network: string): Promise<string[]> {
  return (await isActive(runner, network)) ? ['--live', '--config'] : ['--config']
}

export async function addDhcpHost(runner: VirshRunner, network: string, host: DhcpHost): Promise<void> {
  checkName(network, 'network')
  const xml = hostXml(host)
  await runner.run(['net-update', network, 'add-last', 'ip-dhcp-host', xml, ...(await updateFlags(runner, network))])
}

export async function removeDhcpHost(runner: VirshRunner, network: string, host: DhcpHost): Promise<void> {
  checkName(network, 'network')
  const xml = hostXml(host)
  try {
    await runner.run(['net-update', network, 'delete', 'ip-dhcp-host', xml, ...(await updateFlags(runner, network))])
  } catch (error) {
    if (!hasCode(error, 'HYPERVISOR_DHCP_HOST_MISSING')) throw error
  }
}

export async function dhcpLeases(runner: VirshRunner, network: string): Promise<DhcpLease[]> {
  checkName(network, 'network')
  return parseDhcpLeases(await runner.run(['net-dhcp-leases', network]))
}

/** Every network with its owner: two virsh processes whatever the number of networks. */
export async function listNetworks(runner: VirshRunner): Promise<NetworkSummary[]> {
  const [uuidText = ''] = await runner.batch([['net-list', '--all', '--uuid']])
  const uuids = parseUuids(uuidText)
  const outputs = await runner.batch(uuids.flatMap(networkQueries))
  return uuids.flatMap((uuid, i) => networkFromOutputs(uuid, outputs.slice(2 * i, 2 * i + 2)) ?? []).sort((a, b) => a.name.localeCompare(b.name))
}

/** The batch commands whose outputs `networkFromOutputs` reads. */
export function networkQueries(uuid: string): string[][] {
  return [['net-info', uuid], ['net-dumpxml', uuid]]
}

/** A NetworkSummary from the outputs of `networkQueries` (undefined when the network vanished meanwhile). */
export function networkFromOutputs(uuid: string, [info = '', xml = '']: readonly string[]): NetworkSummary | undefined {
  if (xml === '') return undefined
  const network = parseXml(xml, 'network')
  return {
    name: text(network, 'name') ?? '',
    uuid,
    active: parseInfo(info).get('Active') === 'yes',
    owner: ownerFromMetadata(child(network, 'metadata')),
    bridge: attr(child(network, 'bridge'), 'name'),
  }
}
