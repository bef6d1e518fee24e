/** Reads what the network manager compares from a live network's XML: bridge, gateway and DHCP reservations. */
import {attr, child, children, parseXml} from '../hypervisor/xml.js'
import type {DhcpHost} from '../hypervisor/types.js'

export interface LiveNetworkConfig {
  bridge: string | undefined
  gateway: string | undefined
  netmask: string | undefined
  hosts: DhcpHost[]
}

export function readNetworkXml(xml: string): LiveNetworkConfig {
  const network = parseXml(xml, 'network')
  const ips = children(network, 'ip').filter((ip) => (attr(ip, 'family') ?? 'ipv4') === 'ipv4')
  const ip = ips[0]
  const hosts = ips.flatMap((i) => children(child(i, 'dhcp'), 'host')).flatMap((h) => {
    const mac = attr(h, 'mac')
    const address = attr(h, 'ip')
    return mac === undefined || address === undefined ? [] : [{mac: mac.toLowerCase(), name: attr(h, 'name') ?? '', ip: address}]
  })
  return {bridge: attr(child(network, 'bridge'), 'name'), gateway: attr(ip, 'address'), netmask: netmaskOf(attr(ip, 'netmask'), attr(ip, 'prefix')), hosts}
}

function netmaskOf(netmask: string | undefined, prefix: string | undefined): string | undefined {
  if (netmask !== undefined || prefix === undefined) return netmask
  const bits = Number(prefix)
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
  return [24, 16, 8, 0].map((s) => (mask >>> s) & 0xff).join('.')
}

export interface HostDiff {
  add: DhcpHost[]
  remove: DhcpHost[]
}

const same = (a: DhcpHost, b: DhcpHost): boolean => a.mac === b.mac && a.ip === b.ip && a.name === b.name

/**
 * The reservation changes that make `live` serve `desired`: missing entries are added; a live entry
 * that clashes with a desired one (same MAC, name or IP, but not identical) is removed first. Entries
 * of other machines are left alone.
 */
export function diffHosts(live: readonly DhcpHost[], desired: readonly DhcpHost[]): HostDiff {
  const add = desired.filter((d) => !live.some((l) => same(l, d)))
  const remove = live.filter((l) => !desired.some((d) => same(l, d)) && add.some((d) => d.mac === l.mac || d.ip === l.ip || d.name === l.name))
  return {add, remove}
}
