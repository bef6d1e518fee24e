/**
 * The data of `ai-how gpu list`: every display / 3D controller of the host with the functions of
 * its IOMMU group, its driver, whether it is ready for passthrough (and why not), and which cluster
 * node holds it according to the GPU ledger.
 */
import type {GpuAllocation} from '@ai-how/core'
import type {HostInfo} from '../host/host-info.js'
import type {NamedPciFunction, PciHost} from '../host/pci-host.js'
import type {PciFunction} from '../host/pci-sysfs.js'
import {otherGroupMembers, passthroughReadiness} from '../host/readiness.js'
import {isBridgeClass, isDisplayClass} from '../pci/class-code.js'

export interface ListedFunction {
  address: string
  class: string
  className: string | null
  vendorId: string
  deviceId: string
  vendorName: string | null
  deviceName: string | null
  driver: string | null
}

export interface ListedGroupMember extends ListedFunction {
  bridge: boolean
}

export interface ListedGpu extends ListedFunction {
  subsystemVendorId: string | null
  subsystemDeviceId: string | null
  iommuGroup: number | null
  /** The other functions of its IOMMU group. */
  groupMembers: ListedGroupMember[]
  ready: boolean
  reasons: string[]
  /** The ledger's claim on it, or null when no cluster node holds it. */
  heldBy: GpuAllocation | null
}

export interface GpuListReport {
  sysfsRoot: string
  iommu: HostInfo['iommu']
  vfio: HostInfo['vfio']
  gpus: ListedGpu[]
}

export async function listGpus(host: PciHost, allocations: Readonly<Record<string, GpuAllocation>>): Promise<GpuListReport> {
  const info = await host.info()
  const gpus: ListedGpu[] = []
  for (const fn of await host.all()) {
    if (!isDisplayClass(fn.classCode)) continue
    gpus.push(await listGpu(host, fn, allocations[fn.address] ?? null))
  }
  return {sysfsRoot: info.root, iommu: info.iommu, vfio: info.vfio, gpus}
}

async function listGpu(host: PciHost, fn: PciFunction, heldBy: GpuAllocation | null): Promise<ListedGpu> {
  const readiness = await passthroughReadiness(host, fn)
  const members: ListedGroupMember[] = []
  for (const member of await otherGroupMembers(host, fn)) {
    members.push({...listed(await host.named(member)), bridge: isBridgeClass(member.classCode)})
  }
  return {
    ...listed(await host.named(fn)),
    subsystemVendorId: fn.subsystemVendorId ?? null,
    subsystemDeviceId: fn.subsystemDeviceId ?? null,
    iommuGroup: fn.iommuGroup ?? null,
    groupMembers: members,
    ready: readiness.ready,
    reasons: readiness.reasons,
    heldBy,
  }
}

function listed(fn: NamedPciFunction): ListedFunction {
  return {
    address: fn.address,
    class: `0x${fn.classCode}`,
    className: fn.className ?? null,
    vendorId: fn.vendorId,
    deviceId: fn.deviceId,
    vendorName: fn.vendorName ?? null,
    deviceName: fn.deviceName ?? null,
    driver: fn.driver ?? null,
  }
}
