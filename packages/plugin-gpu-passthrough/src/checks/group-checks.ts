/**
 * The IOMMU-group rule, per node: vfio hands a whole group to one VM, so every non-bridge function
 * of the group of a requested device must go to the same VM or be left to vfio (vfio-pci, pci-stub,
 * no driver); and no other node of the cluster may ask for a function of that group.
 */
import type {HostCheckResult} from '@ai-how/core'
import type {PciHost} from '../host/pci-host.js'
import type {PciFunction} from '../host/pci-sysfs.js'
import {isBridgeClass, isVfioFriendlyDriver} from '../pci/class-code.js'
import {physicalDeviceOf} from '../pci/address.js'
import {bindTargets, bindingUnit, sameIdsElsewhere} from './driver-checks.js'
import {addDeviceFix, deviceTypeFor, vfioBindFix} from './fixes.js'
import {nodeLabel} from './requests.js'
import type {DeviceRequest} from './requests.js'

/** One result per IOMMU group that the node's devices touch. */
export async function groupChecks(host: PciHost, node: readonly DeviceRequest[], cluster: readonly DeviceRequest[]): Promise<HostCheckResult[]> {
  const [first] = node
  if (first === undefined) return []
  const where = nodeLabel(first.cluster, first.node)
  const own = new Set(node.map((r) => r.device.pciAddress))
  const groups = new Map<number, PciFunction>()
  for (const address of own) {
    const fn = await host.fn(address)
    if (fn?.iommuGroup !== undefined && !groups.has(fn.iommuGroup)) groups.set(fn.iommuGroup, fn)
  }
  const results: HostCheckResult[] = []
  for (const [group, requested] of [...groups].sort((a, b) => a[0] - b[0])) {
    const id = `gpu.node.${first.cluster.kind}.${first.node.key}.iommu-group-${group}`
    const problems: string[] = []
    const fix: string[] = []
    let hostHeld = false
    let alone = false
    for (const address of await host.groupMembers(group)) {
      if (own.has(address)) continue
      const member = await host.fn(address)
      if (member === undefined || isBridgeClass(member.classCode)) continue
      const other = cluster.find((r) => r.device.pciAddress === address && r.node.key !== first.node.key)
      if (other !== undefined) {
        problems.push(`${address} of the same group is given to ${nodeLabel(other.cluster, other.node)}`)
        fix.push(`A group goes to one VM: give ${address} to ${where} instead, or move both devices to one node.`)
        continue
      }
      if (isVfioFriendlyDriver(member.driver)) continue
      const related = physicalDeviceOf(address) === physicalDeviceOf(requested.address)
      const label = `${address} (${await host.label(member)}, bound to ${String(member.driver)})`
      problems.push(related ? `${label}, another function of the same device, is not passed through` : `${label}, an unrelated device, shares the group`)
      fix.push(addDeviceFix(where, address, deviceTypeFor(member.classCode)) + (related ? '' : ' (the host then loses it)'))
      hostHeld = true
      if (!related) alone = true
    }
    if (hostHeld) fix.push(...(await bindFix(host, requested, cluster)))
    if (alone) fix.push('Or move the GPU to a PCIe slot whose IOMMU group holds nothing else (list the groups: find /sys/kernel/iommu_groups -type l).')
    const ok = problems.length === 0
    results.push({
      id,
      ok,
      message: ok
        ? `IOMMU group ${group} of ${requested.address} (${where}): every function goes to this VM or is left to vfio`
        : `IOMMU group ${group} of ${requested.address} (${where}) cannot be passed through: ${problems.join('; ')}`,
      fix,
    })
  }
  return results
}

/**
 * Binding the group: when a requested function of it is held by a host driver, the driver check of
 * the group already gives the steps (for the whole group), so this only points at it.
 */
async function bindFix(host: PciHost, requested: PciFunction, cluster: readonly DeviceRequest[]): Promise<string[]> {
  for (const request of cluster) {
    const fn = await host.fn(request.device.pciAddress)
    if (fn !== undefined && fn.iommuGroup === requested.iommuGroup && !isVfioFriendlyDriver(fn.driver)) {
      return [`and bind it to vfio-pci with the rest of the group: see the fix of check gpu.${bindingUnit(requested)}.driver`]
    }
  }
  const targets = await bindTargets(host, requested)
  return ['and bind the group to vfio-pci:', ...vfioBindFix(targets, await sameIdsElsewhere(host, targets))]
}
