/** Strict IPv4 and CIDR arithmetic (dotted decimal, no leading zeros, no shorthand). */

const OCTET = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

/** The address as an unsigned 32-bit number, or undefined when `text` is not strict dotted decimal. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined
    value = value * 256 + Number(part)
  }
  return value
}

export function isIpv4(text: string): boolean {
  return parseIpv4(text) !== undefined
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.')
}

export interface Cidr {
  /** First address (host bits cleared). */
  network: number
  /** Last address. */
  broadcast: number
  prefix: number
  /** The address as written (may have host bits set). */
  address: number
}

/** Parses `a.b.c.d/n`; undefined when the syntax is wrong. */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text)
  if (!match) return undefined
  const address = parseIpv4(match[1] ?? '')
  const prefix = Number(match[2])
  if (address === undefined || prefix > 32 || String(prefix) !== match[2]) return undefined
  const size = 2 ** (32 - prefix)
  const network = address - (address % size)
  return {network, broadcast: network + size - 1, prefix, address}
}

export function isIpv4Cidr(text: string): boolean {
  return parseCidr(text) !== undefined
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.prefix}`
}

export function cidrContains(cidr: Cidr, address: number): boolean {
  return address >= cidr.network && address <= cidr.broadcast
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.network <= b.broadcast && b.network <= a.broadcast
}
