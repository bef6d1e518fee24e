/** Plain-text form of `ai-how gpu list` (the --json form is the report itself). */
import path from 'node:path'
import {PCI_DEVICES} from '../host/pci-sysfs.js'
import type {GpuListReport, ListedFunction, ListedGpu} from './gpu-list.js'

export function renderGpuList(report: GpuListReport): string {
  const lines = [hostLine(report)]
  if (report.gpus.length === 0) {
    lines.push(`No GPUs found (display/3D controllers) under ${path.join(report.sysfsRoot, PCI_DEVICES)}`)
    return lines.join('\n')
  }
  for (const gpu of report.gpus) lines.push('', ...gpuLines(gpu))
  return lines.join('\n')
}

function hostLine(report: GpuListReport): string {
  const {iommu, vfio} = report
  const cmdline = iommu.cmdline.length > 0 ? iommu.cmdline.join(' ') : 'no IOMMU options'
  const state = iommu.enabled ? `on (${iommu.groups} groups)` : 'off'
  const modules = Object.entries(vfio).map(([name, loaded]) => `${name} ${loaded ? 'loaded' : 'missing'}`)
  return `IOMMU: ${state}, kernel command line: ${cmdline}; ${modules.join(', ')}`
}

function gpuLines(gpu: ListedGpu): string[] {
  const group = gpu.iommuGroup === null ? 'none' : String(gpu.iommuGroup)
  const holder = gpu.heldBy === null ? 'nobody' : `${gpu.heldBy.kind} cluster ${gpu.heldBy.cluster}, node ${gpu.heldBy.node} (VM ${gpu.heldBy.vm_name}, since ${gpu.heldBy.since})`
  const lines = [
    `${gpu.address}  ${describe(gpu)}`,
    `  class: ${gpu.className ?? 'unknown'} (${gpu.class})   driver: ${gpu.driver ?? 'none'}   IOMMU group: ${group}`,
    `  held by: ${holder}`,
  ]
  if (gpu.groupMembers.length > 0) {
    lines.push('  shares its IOMMU group with:')
    for (const member of gpu.groupMembers) {
      const bridge = member.bridge ? ', bridge (may stay on the host)' : ''
      lines.push(`    ${member.address}  ${describe(member)}  driver: ${member.driver ?? 'none'}${bridge}`)
    }
  }
  lines.push(`  ready for passthrough: ${gpu.ready ? 'yes' : 'no'}`)
  for (const reason of gpu.reasons) lines.push(`    - ${reason}`)
  return lines
}

function describe(fn: ListedFunction): string {
  const vendor = fn.vendorName ?? 'unknown vendor'
  const device = fn.deviceName ?? 'unknown device'
  return `${vendor} ${device} [${fn.vendorId}:${fn.deviceId}]`
}
