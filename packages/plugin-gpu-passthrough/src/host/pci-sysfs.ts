/**
 * PCI functions as sysfs shows them: /sys/bus/pci/devices/<addr>/{class,vendor,device,
 * subsystem_vendor,subsystem_device}, the `driver` and `iommu_group` symlinks, and the members of
 * /sys/kernel/iommu_groups/<n>/devices.
 */
import {canonicalPciAddress, comparePciAddresses} from '../pci/address.js'
import type {HostFs} from './host-fs.js'

export const PCI_DEVICES = '/sys/bus/pci/devices'
export const IOMMU_GROUPS = '/sys/kernel/iommu_groups'

export interface PciFunction {
  address: string
  /** Six hex digits without 0x, e.g. 030000. */
  classCode: string
  vendorId: string
  deviceId: string
  subsystemVendorId?: string
  subsystemDeviceId?: string
  /** Bound driver (name of the `driver` link's target), or undefined when unbound. */
  driver?: string
  /** IOMMU group number, or undefined when the IOMMU is off (no `iommu_group` link). */
  iommuGroup?: number
}

/** Reads one function, or undefined when sysfs has no such device. */
export async function readPciFunction(host: HostFs, address: string): Promise<PciFunction | undefined> {
  const dir = `${PCI_DEVICES}/${address}`
  const classText = await host.readText(`${dir}/class`)
  if (classText === undefined) return undefined
  const fn: PciFunction = {
    address,
    classCode: hexField(classText, 6),
    vendorId: hexField(await host.readText(`${dir}/vendor`), 4),
    deviceId: hexField(await host.readText(`${dir}/device`), 4),
  }
  const subVendor = await host.readText(`${dir}/subsystem_vendor`)
  const subDevice = await host.readText(`${dir}/subsystem_device`)
  if (subVendor !== undefined) fn.subsystemVendorId = hexField(subVendor, 4)
  if (subDevice !== undefined) fn.subsystemDeviceId = hexField(subDevice, 4)
  const driver = await host.linkName(`${dir}/driver`)
  if (driver !== undefined) fn.driver = driver
  const group = await host.linkName(`${dir}/iommu_group`)
  if (group !== undefined && /^\d+$/.test(group)) fn.iommuGroup = Number(group)
  return fn
}

/** Every PCI address under /sys/bus/pci/devices (entries that are not PCI addresses are ignored). */
export async function listPciAddresses(host: HostFs): Promise<string[]> {
  const names = await host.list(PCI_DEVICES)
  return names.flatMap((name) => {
    const address = canonicalPciAddress(name)
    return address === undefined ? [] : [address]
  }).sort(comparePciAddresses)
}

/** The addresses in one IOMMU group, sorted. */
export async function readIommuGroupMembers(host: HostFs, group: number): Promise<string[]> {
  const names = await host.list(`${IOMMU_GROUPS}/${group}/devices`)
  return names.flatMap((name) => {
    const address = canonicalPciAddress(name)
    return address === undefined ? [] : [address]
  }).sort(comparePciAddresses)
}

/** The number of IOMMU groups (0 when the IOMMU is off). */
export async function countIommuGroups(host: HostFs): Promise<number> {
  return (await host.list(IOMMU_GROUPS)).filter((name) => /^\d+$/.test(name)).length
}

/** `0x030000\n` → `030000`; anything malformed becomes zeros of the right width. */
function hexField(text: string | undefined, digits: number): string {
  const match = /^\s*(?:0x)?([0-9a-fA-F]+)\s*$/.exec(text ?? '')
  const value = match?.[1]?.toLowerCase() ?? ''
  return value.padStart(digits, '0').slice(-digits)
}
