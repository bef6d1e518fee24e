/**
 * Builds the NetworkView of a cluster: NAT, the bridge, gateway = gateway_ip or the subnet's first
 * host, a DHCP range, one reservation per node with a configured IP (MAC from the spec's rule), and
 * DNS forwarders. Reference defect fixed: the default forwarder list starts with THIS network's
 * gateway (the reference used the literal 192.168.100.1 whatever the subnet). The public resolvers
 * after it keep external names resolvable: libvirt writes `no-resolv` for dnsmasq once any
 * forwarder is listed, and dnsmasq skips a forwarder that is its own address.
 */
import {ConfigError} from '@ai-how/core'
import type {ClusterDescription} from '@ai-how/core'
import type {DhcpHost} from '../hypervisor/types.js'
import {AIHOW_NS} from '../hypervisor/ownership.js'
import {checkIpv4, checkMac, checkName, checkUuid} from '../hypervisor/validate.js'
import {defaultDhcpRange} from '../kind/describe/network.js'
import {macForVm} from '../naming/index.js'
import {ipToNumber, isHostOf, numberToIp, parseSubnet} from './ipv4.js'
import type {NetworkView} from './views.js'
import {assertXmlText} from './xml-safe.js'

export interface NetworkViewOptions {
  networkName: string
  /** DHCP reservations; default: every node with a configured IP, MAC = macForVm(vm name). */
  hosts?: readonly DhcpHost[]
  dhcpStart?: string
  dhcpEnd?: string
  /** network.dns_servers; default [gateway, 8.8.8.8, 1.1.1.1]. */
  dnsServers?: readonly string[]
  /** DNS domain; default `<cluster>.local`. */
  domain?: string
  uuid?: string
}

export const PUBLIC_RESOLVERS: readonly string[] = ['8.8.8.8', '1.1.1.1']

function outside(what: string, ip: string, subnet: string): ConfigError {
  return new ConfigError(`${what} ${ip} is not a host address of ${subnet}`, {
    code: 'NETWORK_ADDRESS_OUTSIDE',
    actions: [`Use an address inside ${subnet} that is neither its network nor its broadcast address.`],
  })
}

export function buildNetworkView(cluster: ClusterDescription, options: NetworkViewOptions): NetworkView {
  const cidr = cluster.network.subnet
  const subnet = parseSubnet(cidr)
  const inside = (what: string, ip: string): string => {
    if (!isHostOf(subnet, checkIpv4(ip))) throw outside(what, ip, cidr)
    return ip
  }
  const gateway = inside('gateway', cluster.network.gateway ?? numberToIp(subnet.network + 1))
  const defaults = defaultDhcpRange(subnet.network, subnet.broadcast)
  const dhcpStart = inside('dhcp_start', options.dhcpStart ?? numberToIp(defaults.start))
  const dhcpEnd = inside('dhcp_end', options.dhcpEnd ?? numberToIp(defaults.end))
  if (ipToNumber(dhcpStart) > ipToNumber(dhcpEnd)) {
    throw new ConfigError(`DHCP range ${dhcpStart}-${dhcpEnd} is empty`, {code: 'NETWORK_DHCP_RANGE_INVALID', actions: ['Make dhcp_start lower than dhcp_end.']})
  }
  const hosts = (options.hosts ?? cluster.nodes.flatMap((n) => (n.ip === undefined ? [] : [{mac: macForVm(n.vmName), name: n.vmName, ip: n.ip}]))).map((h) => ({
    mac: checkMac(h.mac),
    name: checkName(h.name, 'host'),
    ip: inside(`${h.name}'s IP`, h.ip),
  }))
  const view: NetworkView = {
    name: checkName(options.networkName, 'network'),
    uuid: options.uuid === undefined ? null : checkUuid(options.uuid),
    owner: {ns: AIHOW_NS, cluster: cluster.name, kind: cluster.kind},
    bridge: checkName(cluster.network.bridge, 'bridge'),
    domain: checkName(options.domain ?? `${cluster.name}.local`, 'DNS domain'),
    forwarders: (options.dnsServers ?? [gateway, ...PUBLIC_RESOLVERS]).map(checkIpv4),
    gateway,
    netmask: subnet.netmask,
    dhcpStart,
    dhcpEnd,
    hosts,
  }
  assertXmlText(view)
  return view
}
