/**
 * The DHCP range of a cluster network, checked the way `virsh net-define` and ai-how's network
 * renderer will: both ends host addresses of the subnet (neither its network nor its broadcast
 * address), start <= end, and both ends in one /16 block. libvirt's virSocketAddrGetRange requires
 * the first two numbers of start and end to be equal and otherwise says "range ... is too large
 * (> 65535)": 10.1.0.0-10.1.255.255 (65536 addresses) is taken, 10.0.255.255-10.1.0.0 (two) is not.
 * Shared by every VM cluster kind (hpc, cloud).
 */
import {formatIpv4, formatCidr, issueAt, parseCidr, parseIpv4} from '@ai-how/core'
import type {Cidr, ConfigIssue, SourceLocator, YamlPath} from '@ai-how/core'
import {defaultDhcpRange} from './describe/network.js'
import type {NetworkConfig} from './types.js'

const BLOCK = 65536

/** The /16 block (x.y.0.0/16) that holds `address`. */
function blockOf(address: number): string {
  return `${formatIpv4(Math.floor(address / BLOCK) * BLOCK)}/16`
}

type End = 'dhcp_start' | 'dhcp_end'

interface Context {
  cidr: Cidr
  locator: SourceLocator
  path: (field: End | 'subnet') => YamlPath
}

function outside(ctx: Context, field: End, value: string): ConfigIssue {
  const {cidr} = ctx
  return issueAt(ctx.locator, ctx.path(field), {
    code: 'network.dhcp-outside',
    message: `${field} ${value} is not a host address of subnet ${formatCidr(cidr)}`,
    fix: `use an address between ${formatIpv4(cidr.network + 1)} and ${formatIpv4(cidr.broadcast - 1)}`,
  })
}

function reversed(ctx: Context, network: NetworkConfig, start: number, end: number): ConfigIssue {
  if (network.dhcp_start !== undefined) {
    return issueAt(ctx.locator, ctx.path('dhcp_start'), {
      code: 'network.dhcp-reversed',
      message: `the DHCP range is reversed: dhcp_start ${formatIpv4(start)} comes after dhcp_end ${formatIpv4(end)}`,
      fix: 'swap dhcp_start and dhcp_end',
    })
  }
  return issueAt(ctx.locator, ctx.path('dhcp_end'), {
    code: 'network.dhcp-reversed',
    message: `dhcp_end ${formatIpv4(end)} comes before the default dhcp_start ${formatIpv4(start)} of subnet ${formatCidr(ctx.cidr)}`,
    fix: `set dhcp_start too (at most ${formatIpv4(end)}), or raise dhcp_end to ${formatIpv4(start)} or above`,
  })
}

function acrossBlocks(ctx: Context, network: NetworkConfig, start: number, end: number): ConfigIssue {
  const range = `${formatIpv4(start)}-${formatIpv4(end)}`
  const crosses = `crosses from ${blockOf(start)} into ${blockOf(end)}`
  const libvirt = 'libvirt takes only a range whose first two numbers are the same ("range ... is too large (> 65535)")'
  const inside = `${formatIpv4(start)}-${formatIpv4(Math.floor(start / BLOCK) * BLOCK + BLOCK - 1)}`
  if (network.dhcp_start === undefined && network.dhcp_end === undefined) {
    return issueAt(ctx.locator, ctx.path('subnet'), {
      code: 'network.dhcp-too-large',
      message: `subnet ${formatCidr(ctx.cidr)} gets the default DHCP range ${range}, which ${crosses}; ${libvirt}`,
      fix: `use a subnet of /16 or smaller (e.g. ${formatIpv4(ctx.cidr.network)}/16), or set dhcp_start and dhcp_end inside one /16 block (e.g. ${inside})`,
    })
  }
  const field: End = network.dhcp_end === undefined ? 'dhcp_start' : 'dhcp_end'
  return issueAt(ctx.locator, ctx.path(field), {
    code: 'network.dhcp-too-large',
    message: `the DHCP range ${range} ${crosses}; ${libvirt}`,
    fix: `keep both ends inside one /16 block (e.g. ${inside})`,
  })
}

/** The DHCP range issues of one cluster network (none when the subnet itself is wrong: core reports that). */
export function dhcpRangeIssues(network: NetworkConfig, clusterPath: YamlPath, locator: SourceLocator): ConfigIssue[] {
  const cidr = parseCidr(network.subnet)
  if (cidr === undefined || cidr.address !== cidr.network) return []
  const ctx: Context = {cidr, locator, path: (field) => [...clusterPath, 'network', field]}
  const defaults = defaultDhcpRange(cidr.network, cidr.broadcast)
  const isHost = (address: number): boolean => address > cidr.network && address < cidr.broadcast
  const explicit: [End, string | undefined][] = [['dhcp_start', network.dhcp_start], ['dhcp_end', network.dhcp_end]]
  const issues = explicit.flatMap(([field, value]) => {
    const address = value === undefined ? undefined : parseIpv4(value)
    return value === undefined || (address !== undefined && isHost(address)) ? [] : [outside(ctx, field, value)]
  })
  if (issues.length > 0) return issues
  const start = network.dhcp_start === undefined ? defaults.start : (parseIpv4(network.dhcp_start) ?? defaults.start)
  const end = network.dhcp_end === undefined ? defaults.end : (parseIpv4(network.dhcp_end) ?? defaults.end)
  if (start > end) return [reversed(ctx, network, start, end)]
  if (Math.floor(start / BLOCK) !== Math.floor(end / BLOCK)) return [acrossBlocks(ctx, network, start, end)]
  return []
}
