/**
 * Parsers for the few virsh text outputs ai-how reads (with `-q`, i.e. without table headers):
 * `domstate`, `list --uuid --name`, `domifaddr`, `net-dhcp-leases`, `vol-list`, `*-info`.
 * Only stable forms are parsed; everything else is read as XML.
 */
import type {AddressSource, DhcpLease, DomainAddress, DomainState, VolumeSummary} from './types.js'

const STATES: Readonly<Record<string, DomainState>> = {
  running: 'running',
  idle: 'blocked',
  blocked: 'blocked',
  paused: 'paused',
  'in shutdown': 'shutdown',
  'shut off': 'shutoff',
  crashed: 'crashed',
  pmsuspended: 'pmsuspended',
  'no state': 'nostate',
}

/** The state printed by `virsh domstate` ('' from a failed command means the domain is absent). */
export function parseDomainState(text: string): DomainState {
  const word = text.trim().split('\n')[0]?.trim() ?? ''
  if (word === '') return 'absent'
  return STATES[word] ?? 'nostate'
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
}

/** `list --all --uuid --name` (and the net/pool variants of `--uuid`): "UUID NAME" per line. */
export function parseUuidNames(text: string): {uuid: string; name: string}[] {
  return lines(text).flatMap((line) => {
    const match = /^([0-9a-fA-F-]{36})\s+(.+)$/.exec(line)
    return match?.[1] && match[2] ? [{uuid: match[1].toLowerCase(), name: match[2]}] : []
  })
}

/** One UUID per line (`net-list --all --uuid`, `pool-list --all --uuid`). */
export function parseUuids(text: string): string[] {
  return lines(text).filter((line) => /^[0-9a-fA-F-]{36}$/.test(line)).map((line) => line.toLowerCase())
}

const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/
const IPV4_CIDR = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/

/** `domifaddr DOMAIN --source S`: "IFACE MAC PROTO ADDR/PREFIX"; a '-' MAC repeats the previous one. IPv4 only. */
export function parseDomifaddr(text: string, source: AddressSource): DomainAddress[] {
  const out: DomainAddress[] = []
  let lastMac = ''
  for (const line of lines(text)) {
    const [, mac, proto, cidr] = line.split(/\s+/)
    if (mac !== undefined && MAC.test(mac)) lastMac = mac.toLowerCase()
    const match = cidr === undefined ? null : IPV4_CIDR.exec(cidr)
    if (proto !== 'ipv4' || !match?.[1] || lastMac === '') continue
    out.push({ip: match[1], prefix: Number(match[2]), mac: lastMac, source})
  }
  return out
}

/** `net-dhcp-leases NETWORK`: "DATE TIME MAC PROTO ADDR/PREFIX HOSTNAME CLIENTID". IPv4 only. */
export function parseDhcpLeases(text: string): DhcpLease[] {
  return lines(text).flatMap((line) => {
    const tokens = line.split(/\s+/)
    const macAt = tokens.findIndex((t) => MAC.test(t))
    if (macAt === -1 || tokens[macAt + 1] !== 'ipv4') return []
    const match = IPV4_CIDR.exec(tokens[macAt + 2] ?? '')
    if (!match?.[1]) return []
    const host = tokens[macAt + 3]
    return [{mac: (tokens[macAt] ?? '').toLowerCase(), ip: match[1], prefix: Number(match[2]), hostname: host === undefined || host === '-' ? undefined : host}]
  })
}

/** `vol-list POOL`: "NAME PATH"; the path starts at the last run of spaces before a '/'. */
export function parseVolumes(text: string): VolumeSummary[] {
  return lines(text).flatMap((line) => {
    const match = /^(.+?)\s+(\/\S.*)$/.exec(line) ?? /^(\S+)\s+(.+)$/.exec(line)
    return match?.[1] && match[2] ? [{name: match[1], path: match[2]}] : []
  })
}

/** `net-info` / `pool-info` / `dominfo`: "Key:   value" lines. */
export function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of lines(text)) {
    const colon = line.indexOf(':')
    if (colon > 0) out.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
  }
  return out
}
