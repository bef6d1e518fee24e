/**
 * PCI addresses (`DDDD:BB:SS.F`): the only form that reaches a file path, a command line or XML.
 * Everything is checked against one strict regex and kept lower-case.
 */

const PCI_ADDRESS = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-1][0-9a-f])\.([0-7])$/

export interface PciAddressParts {
  domain: number
  bus: number
  slot: number
  fn: number
}

/** The canonical (lower-case) address, or undefined when `text` is not a full PCI address. */
export function canonicalPciAddress(text: string): string | undefined {
  const lower = text.trim().toLowerCase()
  return PCI_ADDRESS.test(lower) ? lower : undefined
}

export function isPciAddress(text: string): boolean {
  return PCI_ADDRESS.test(text)
}

/** Splits a canonical address into numbers; throws on anything else (callers validate first). */
export function parsePciAddress(address: string): PciAddressParts {
  const match = PCI_ADDRESS.exec(address)
  if (!match) throw new TypeError(`not a canonical PCI address: ${JSON.stringify(address)}`)
  const [, domain = '', bus = '', slot = '', fn = ''] = match
  return {domain: parseInt(domain, 16), bus: parseInt(bus, 16), slot: parseInt(slot, 16), fn: parseInt(fn, 16)}
}

/** `DDDD:BB:SS`: the physical device that a function belongs to. */
export function physicalDeviceOf(address: string): string {
  return address.slice(0, address.lastIndexOf('.'))
}

/** Orders addresses numerically (they are fixed-width hex, so text order is numeric order). */
export function comparePciAddresses(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export function hex(value: number, digits: number): string {
  return `0x${value.toString(16).padStart(digits, '0')}`
}
