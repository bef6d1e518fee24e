/**
 * Checks of one requested device, once per address however many nodes ask for it: it exists, and it
 * is in an IOMMU group (when the IOMMU is on). Drivers are checked per binding unit (driver-checks).
 */
import type {HostCheckResult} from '@ai-how/core'
import type {PciHost} from '../host/pci-host.js'
import type {PciFunction} from '../host/pci-sysfs.js'
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
