/**
 * Checks of one requested device, once per address however many nodes ask for it: it exists, it is
 * in an IOMMU group (when the IOMMU is on), and no host driver holds it.
 */
import type {HostCheckResult} from '@ai-how/core'
import type {PciHost} from '../host/pci-host.js'
import type {PciFunction} from '../host/pci-sysfs.js'
import {otherGroupMembers} from '../host/readiness.js'
import {physicalDeviceOf} from '../pci/address.js'
import {VFIO_DRIVER, isBridgeClass, isVfioFriendlyDriver} from '../pci/class-code.js'
import {vfioBindFix} from './fixes.js'
import type {BindTarget} from './fixes.js'
import {nodeLabel} from './requests.js'
import type {DeviceRequest} from './requests.js'

export async function deviceChecks(host: PciHost, address: string, requests: readonly DeviceRequest[]): Promise<HostCheckResult[]> {
  const id = `gpu.device.${address}`
  const fn = await host.fn(address)
  const askedBy = requests.map((r) => nodeLabel(r.cluster, r.node)).join(', ')
  if (fn === undefined) {
    return [{
      id: `${id}.present`,
      ok: false,
      message: `PCI device ${address} (requested by ${askedBy}) does not exist on this host`,
      fix: [
        'List the PCI addresses of this host: lspci -Dnn',
        ...requests.map((r) => `Correct ${r.where} in ${r.cluster.kind} cluster "${r.cluster.name}", or remove the device from node ${r.node.key}.`),
      ],
    }]
  }
  const label = `${address} (${await host.label(fn)})`
  const results: HostCheckResult[] = [{id: `${id}.present`, ok: true, message: `PCI device ${label} exists`, fix: []}]
  const info = await host.info()
  if (info.iommu.enabled) results.push(groupPresence(id, label, fn))
  results.push(await driverCheck(host, id, label, fn))
  return results
}

function groupPresence(id: string, label: string, fn: PciFunction): HostCheckResult {
  if (fn.iommuGroup !== undefined) return {id: `${id}.iommu-group`, ok: true, message: `${label} is in IOMMU group ${fn.iommuGroup}`, fix: []}
  return {
    id: `${id}.iommu-group`,
    ok: false,
    message: `${label} is in no IOMMU group although the IOMMU is on (no ${fn.address}/iommu_group link), so vfio cannot take it`,
    fix: ['Check the kernel log for IOMMU errors about this device: sudo dmesg | grep -i -e DMAR -e IOMMU -e AMD-Vi', 'Update the firmware (BIOS/UEFI) of the host; some boards leave devices out of the IOMMU tables.'],
  }
}

async function driverCheck(host: PciHost, id: string, label: string, fn: PciFunction): Promise<HostCheckResult> {
  if (fn.driver === VFIO_DRIVER) return {id: `${id}.driver`, ok: true, message: `${label} is bound to vfio-pci`, fix: []}
  if (isVfioFriendlyDriver(fn.driver)) {
    const now = fn.driver === undefined ? 'is bound to no driver' : `is bound to ${fn.driver}`
    return {id: `${id}.driver`, ok: true, message: `${label} ${now}; libvirt (managed='yes') binds it to vfio-pci when the VM starts`, fix: []}
  }
  const targets = await bindTargets(host, fn)
  return {
    id: `${id}.driver`,
    ok: false,
    message: `${label} is held by the host driver ${String(fn.driver)}; it must be bound to vfio-pci`,
    fix: vfioBindFix(targets, await sameIdsElsewhere(host, targets)),
  }
}

/**
 * What to bind to vfio-pci together with `fn`: the other non-bridge functions of its IOMMU group
 * (without a group: the other functions of the same physical device).
 */
export async function bindTargets(host: PciHost, fn: PciFunction): Promise<BindTarget[]> {
  const others = fn.iommuGroup === undefined
    ? (await host.all()).filter((f) => f.address !== fn.address && physicalDeviceOf(f.address) === physicalDeviceOf(fn.address))
    : await otherGroupMembers(host, fn)
  return [fn, ...others.filter((m) => !isBridgeClass(m.classCode))].map((f) => {
    const target: BindTarget = {address: f.address, vendorId: f.vendorId, deviceId: f.deviceId}
    if (f.driver !== undefined) target.driver = f.driver
    return target
  })
}

/** Other host functions with the same vendor:device ids as the targets (an `ids=` binding takes them too). */
export async function sameIdsElsewhere(host: PciHost, targets: readonly BindTarget[]): Promise<string[]> {
  const ids = new Set(targets.map((t) => `${t.vendorId}:${t.deviceId}`))
  const addresses = new Set(targets.map((t) => t.address))
  return (await host.all()).filter((f) => ids.has(`${f.vendorId}:${f.deviceId}`) && !addresses.has(f.address)).map((f) => f.address)
}
