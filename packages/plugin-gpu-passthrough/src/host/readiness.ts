/**
 * Whether one function can be handed to a VM right now, and why not: IOMMU on, vfio modules loaded,
 * the function in an IOMMU group, no host driver on it, and every other non-bridge function of its
 * group either going to the same VM or left to vfio (vfio-pci, pci-stub or no driver).
 */
import {isBridgeClass, isVfioFriendlyDriver} from '../pci/class-code.js'
import {missingVfioModules} from './host-info.js'
import type {PciHost} from './pci-host.js'
import type {PciFunction} from './pci-sysfs.js'

export interface Readiness {
  ready: boolean
  reasons: string[]
}

export async function passthroughReadiness(host: PciHost, fn: PciFunction): Promise<Readiness> {
  const info = await host.info()
  const reasons: string[] = []
  if (!info.iommu.enabled) reasons.push('the IOMMU is off (no IOMMU groups)')
  else if (fn.iommuGroup === undefined) reasons.push('it is in no IOMMU group')
  const missing = missingVfioModules(info)
  if (missing.length > 0) reasons.push(`vfio modules not loaded: ${missing.join(', ')}`)
  if (!isVfioFriendlyDriver(fn.driver)) reasons.push(`bound to the host driver ${String(fn.driver)}, not vfio-pci`)
  for (const member of await otherGroupMembers(host, fn)) {
    if (isBridgeClass(member.classCode) || isVfioFriendlyDriver(member.driver)) continue
    reasons.push(`${member.address} in its IOMMU group ${String(fn.iommuGroup)} is bound to ${String(member.driver)}`)
  }
  return {ready: reasons.length === 0, reasons}
}

/** The other functions of `fn`'s IOMMU group (empty without a group). */
export async function otherGroupMembers(host: PciHost, fn: PciFunction): Promise<PciFunction[]> {
  if (fn.iommuGroup === undefined) return []
  const members: PciFunction[] = []
  for (const address of await host.groupMembers(fn.iommuGroup)) {
    if (address === fn.address) continue
    const member = await host.fn(address)
    if (member !== undefined) members.push(member)
  }
  return members
}
