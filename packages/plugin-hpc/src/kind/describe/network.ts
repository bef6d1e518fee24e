/** The kind-neutral view of a cluster network, and the IPv4 arithmetic it needs. */
import type {NetworkDescription, YamlPath} from '@ai-how/core'
import type {NetworkConfig} from '../types.js'

export function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0)
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.')
}

/** First usable address of a CIDR (network address + 1): the reference's default gateway. */
export function firstHost(cidr: string): string {
  const [address = '', prefixText = '32'] = cidr.split('/')
  const size = 2 ** (32 - Number(prefixText))
  const network = Math.floor(ipv4ToInt(address) / size) * size
  return intToIpv4(network + 1)
}

/** A DHCP range as 32-bit addresses, both ends included. */
export interface DhcpRange {
  start: number
  end: number
}

/**
 * The DHCP range a network gets without dhcp_start / dhcp_end: network address + 10 (+ 2 in a
 * subnet of 32 addresses or fewer) to broadcast address - 1.
 */
export function defaultDhcpRange(network: number, broadcast: number): DhcpRange {
  const size = broadcast - network + 1
  return {start: network + (size > 32 ? 10 : 2), end: broadcast - 1}
}

export function describeNetwork(network: NetworkConfig, clusterPath: YamlPath): NetworkDescription {
  const path = [...clusterPath, 'network']
  return {
    subnet: network.subnet,
    bridge: network.bridge,
    gateway: network.gateway_ip ?? firstHost(network.subnet),
    path,
    subnetPath: [...path, 'subnet'],
    bridgePath: [...path, 'bridge'],
  }
}
