/**
 * One host's PCI view for a command or hook: functions, IOMMU groups, host facts and names, each
 * read at most once (sysfs is read lazily and cached for the life of the object).
 */
import {PciIdsDatabase} from '../pci/pci-ids.js'
import type {PciNames} from '../pci/pci-ids.js'
import {HostFs} from './host-fs.js'
import {readHostInfo} from './host-info.js'
import type {HostInfo} from './host-info.js'
import {listPciAddresses, readIommuGroupMembers, readPciFunction} from './pci-sysfs.js'
import type {PciFunction} from './pci-sysfs.js'

export interface NamedPciFunction extends PciFunction {
  className?: string
  vendorName?: string
  deviceName?: string
}

export class PciHost {
  readonly fs: HostFs
  readonly names: PciNames
  private readonly functions = new Map<string, Promise<PciFunction | undefined>>()
  private readonly groups = new Map<number, Promise<string[]>>()
  private infoPromise: Promise<HostInfo> | undefined

  constructor(fs: HostFs, names: PciNames) {
    this.fs = fs
    this.names = names
  }

  /** A host rooted at `root`; names come from pci.ids under the root, else from the real host. */
  static open(root: string): PciHost {
    const fs = new HostFs(root)
    const fallbacks = fs.root === '/' ? [] : [new HostFs('/')]
    return new PciHost(fs, new PciIdsDatabase(fs, ...fallbacks))
  }

  get root(): string {
    return this.fs.root
  }

  info(): Promise<HostInfo> {
    this.infoPromise ??= readHostInfo(this.fs)
    return this.infoPromise
  }

  fn(address: string): Promise<PciFunction | undefined> {
    let found = this.functions.get(address)
    if (found === undefined) {
      found = readPciFunction(this.fs, address)
      this.functions.set(address, found)
    }
    return found
  }

  /** Members of an IOMMU group (sorted addresses). */
  groupMembers(group: number): Promise<string[]> {
    let found = this.groups.get(group)
    if (found === undefined) {
      found = readIommuGroupMembers(this.fs, group)
      this.groups.set(group, found)
    }
    return found
  }

  /** Every function on the host, in address order. */
  async all(): Promise<PciFunction[]> {
    const functions = await Promise.all((await listPciAddresses(this.fs)).map((address) => this.fn(address)))
    return functions.filter((f): f is PciFunction => f !== undefined)
  }

  /** The function with its names from pci.ids (each name only when the database knows it). */
  async named(fn: PciFunction): Promise<NamedPciFunction> {
    const named: NamedPciFunction = {...fn}
    const className = await this.names.className(fn.classCode)
    const vendorName = await this.names.vendor(fn.vendorId)
    const deviceName = await this.names.device(fn.vendorId, fn.deviceId)
    if (className !== undefined) named.className = className
    if (vendorName !== undefined) named.vendorName = vendorName
    if (deviceName !== undefined) named.deviceName = deviceName
    return named
  }

  /** 'NVIDIA Corporation GA102GL [RTX A6000]', or the ids when pci.ids does not know them. */
  async label(fn: PciFunction): Promise<string> {
    const named = await this.named(fn)
    return functionLabel(named)
  }
}

export function functionLabel(fn: NamedPciFunction): string {
  const vendor = fn.vendorName ?? `vendor ${fn.vendorId}`
  const device = fn.deviceName ?? `device ${fn.deviceId}`
  return `${vendor} ${device}`
}
