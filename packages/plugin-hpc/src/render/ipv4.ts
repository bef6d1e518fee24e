/** The little IPv4 arithmetic the network template needs (dotted decimal <-> 32-bit numbers). */
import {ConfigError} from '@ai-how/core'
import {checkIpv4} from '../hypervisor/validate.js'

export function ipToNumber(ip: string): number {
  return checkIpv4(ip)
    .split('.')
    .reduce((acc, part) => acc * 256 + Number(part), 0)
}

export function numberToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.')
}

export interface Subnet {
  network: number
  broadcast: number
  prefix: number
  netmask: string
}

export function parseSubnet(cidr: string): Subnet {
  const match = /^([0-9.]+)\/(\d{1,2})$/.exec(cidr)
  const prefix = Number(match?.[2])
  if (!match?.[1] || prefix < 8 || prefix > 30) {
    throw new ConfigError(`invalid subnet ${JSON.stringify(cidr)}`, {code: 'NETWORK_SUBNET_INVALID', actions: ['Write the subnet as a.b.c.d/n with 8 <= n <= 30, e.g. 192.168.100.0/24.']})
  }
  const size = 2 ** (32 - prefix)
  const network = Math.floor(ipToNumber(match[1]) / size) * size
  return {network, broadcast: network + size - 1, prefix, netmask: numberToIp(2 ** 32 - size)}
}

/** True when `ip` is a usable host address of the subnet (not its network or broadcast address). */
export function isHostOf(subnet: Subnet, ip: string): boolean {
  const value = ipToNumber(ip)
  return value > subnet.network && value < subnet.broadcast
}
