/**
 * Host drivers, checked per binding unit (an IOMMU group, or without one the physical device):
 * every requested function of the unit must be free of host drivers. One failure per unit carries
 * one fix that binds the whole unit to vfio-pci, so the same steps are never printed twice.
 */
import type {HostCheckResult} from '@ai-how/core'
import type {PciHost} from '../host/pci-host.js'
import type {PciFunction} from '../host/pci-sysfs.js'
import {otherGroupMembers} from '../host/readiness.js'
import {comparePciAddresses, physicalDeviceOf} from '../pci/address.js'
import {VFIO_DRIVER, isBridgeClass, isVfioFriendlyDriver} from '../pci/class-code.js'
import {vfioBindFix} from './fixes.js'
import type {BindTarget} from './fixes.js'

/** `iommu-group-13`, or `device-0000:01:00` without a group. */
export function bindingUnit(fn: PciFunction): string {
  return fn.iommuGroup === undefined ? `device-${physicalDeviceOf(fn.address)}` : `iommu-group-${fn.iommuGroup}`
}

/** One check per binding unit of the requested functions (which exist). */
export async function driverChecks(host: PciHost, requested: readonly PciFunction[]): Promise<HostCheckResult[]> {
  const units = new Map<string, PciFunction[]>()
  for (const fn of [...requested].sort((a, b) => comparePciAddresses(a.address, b.address))) {
    units.set(bindingUnit(fn), [...(units.get(bindingUnit(fn)) ?? []), fn])
  }
  const results: HostCheckResult[] = []
  for (const [unit, functions] of units) {
    const id = `gpu.${unit}.driver`
    const held = functions.filter((f) => !isVfioFriendlyDriver(f.driver))
    const [first] = held
    if (first === undefined) {
      results.push({id, ok: true, message: (await Promise.all(functions.map((f) => boundLine(host, f)))).join('; '), fix: []})
      continue
    }
    const lines = await Promise.all(held.map(async (f) => `${f.address} (${await host.label(f)}) is held by the host driver ${String(f.driver)}`))
    const targets = await bindTargets(host, first)
    results.push({id, ok: false, message: `${lines.join('; ')}: ${held.length > 1 ? 'they' : 'it'} must be bound to vfio-pci`, fix: vfioBindFix(targets, await sameIdsElsewhere(host, targets))})
  }
  return results
}

async function boundLine(host: PciHost, fn: PciFunction): Promise<string> {
  const label = `${fn.address} (${await host.label(fn)})`
  if (fn.driver === VFIO_DRIVER) return `${label} is bound to vfio-pci`
  const now = fn.driver === undefined ? 'is bound to no driver' : `is bound to ${fn.driver}`
  return `${label} ${now}; libvirt (managed='yes') binds it to vfio-pci when the VM starts`
}

/**
 * What to bind to vfio-pci together with `fn`, in address order: the non-bridge functions of its
 * IOMMU group (without a group: the functions of the same physical device).
 */
export async function bindTargets(host: PciHost, fn: PciFunction): Promise<BindTarget[]> {
  const others = fn.iommuGroup === undefined
    ? (await host.all()).filter((f) => f.address !== fn.address && physicalDeviceOf(f.address) === physicalDeviceOf(fn.address))
    : await otherGroupMembers(host, fn)
  const unit = [fn, ...others.filter((m) => !isBridgeClass(m.classCode))].sort((a, b) => comparePciAddresses(a.address, b.address))
  return unit.map((f) => {
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
