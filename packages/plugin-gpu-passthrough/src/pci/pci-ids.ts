/**
 * Names from the pci.ids database (the file `lspci` uses), looked up lazily: the file is read once
 * on the first lookup and only the vendor or class section asked for is scanned. Without the file
 * every name is undefined and callers show the hex ids.
 */
import type {HostFs} from '../host/host-fs.js'

/** Where distributions install pci.ids (Debian: pciutils / hwdata; Fedora: hwdata). */
export const PCI_IDS_LOCATIONS = ['/usr/share/misc/pci.ids', '/usr/share/hwdata/pci.ids'] as const

export interface PciNames {
  vendor(vendorId: string): Promise<string | undefined>
  device(vendorId: string, deviceId: string): Promise<string | undefined>
  /** `class` is the 6-hex-digit class code (`030000`); answers the sub-class name, else the class name. */
  className(classCode: string): Promise<string | undefined>
}

export class PciIdsDatabase implements PciNames {
  private text: Promise<string | undefined> | undefined
  private readonly hosts: HostFs[]

  /** Looks in each host root in turn (e.g. the fixture root, then the real '/'). */
  constructor(...hosts: HostFs[]) {
    this.hosts = hosts
  }

  async vendor(vendorId: string): Promise<string | undefined> {
    const text = await this.load()
    if (text === undefined) return undefined
    return nameAt(text, findLine(text, `${vendorId.toLowerCase()}  `, 0))
  }

  async device(vendorId: string, deviceId: string): Promise<string | undefined> {
    const text = await this.load()
    if (text === undefined) return undefined
    const start = findLine(text, `${vendorId.toLowerCase()}  `, 0)
    if (start < 0) return undefined
    return nameAt(text, findChild(text, start, `\t${deviceId.toLowerCase()}  `))
  }

  async className(classCode: string): Promise<string | undefined> {
    const text = await this.load()
    const code = classCode.toLowerCase().replace(/^0x/, '')
    if (text === undefined || code.length < 4) return undefined
    const start = findLine(text, `C ${code.slice(0, 2)}  `, 0)
    if (start < 0) return undefined
    return nameAt(text, findChild(text, start, `\t${code.slice(2, 4)}  `)) ?? nameAt(text, start)
  }

  private load(): Promise<string | undefined> {
    this.text ??= this.read()
    return this.text
  }

  private async read(): Promise<string | undefined> {
    for (const host of this.hosts) {
      for (const location of PCI_IDS_LOCATIONS) {
        const text = await host.readText(location)
        if (text !== undefined) return text
      }
    }
    return undefined
  }
}

/** Offset of the line that starts with `prefix`, or -1. */
function findLine(text: string, prefix: string, from: number): number {
  if (from === 0 && text.startsWith(prefix)) return 0
  const at = text.indexOf(`\n${prefix}`, from)
  return at < 0 ? -1 : at + 1
}

/** Offset of the first-level child line (one tab) of the entry at `parent` that starts with `prefix`. */
function findChild(text: string, parent: number, prefix: string): number {
  let at = text.indexOf('\n', parent)
  while (at >= 0 && at + 1 < text.length) {
    const line = at + 1
    const first = text[line]
    if (first !== '\t' && first !== '#' && first !== '\n') return -1
    if (text.startsWith(prefix, line)) return line
    at = text.indexOf('\n', line)
  }
  return -1
}

/** The name on the line at `offset` (the text after the id and two spaces). */
function nameAt(text: string, offset: number): string | undefined {
  if (offset < 0) return undefined
  const end = text.indexOf('\n', offset)
  const line = text.slice(offset, end < 0 ? undefined : end)
  const sep = line.indexOf('  ')
  const name = sep < 0 ? '' : line.slice(sep + 2).trim()
  return name === '' ? undefined : name
}
