/**
 * `ai-how doctor`'s view of passthrough on this host, whether or not a config asks for a device:
 * CPU virtualization, the host-wide checks of `gpu check` (IOMMU, vfio modules) and the GPUs found,
 * as `gpu list` reads them. Without a GPU and without a request they are skipped, with the reason;
 * with a GPU but no request a missing prerequisite is a warning (nothing asks for passthrough yet).
 */
import path from 'node:path'
import type {HostCheckResult} from '@ai-how/core'
import type {HostInfo} from '../host/host-info.js'
import type {PciHost} from '../host/pci-host.js'
import {PCI_DEVICES} from '../host/pci-sysfs.js'
import {listGpus} from '../list/gpu-list.js'
import type {ListedGpu} from '../list/gpu-list.js'
import {hostWideChecks} from './host-wide.js'

export async function hostReadinessChecks(host: PciHost, requested: boolean): Promise<HostCheckResult[]> {
  const info = await host.info()
  const {gpus} = await listGpus(host, {})
  const checks = [cpuCheck(info), ...(await hostWideChecks(host))]
  if (gpus.length === 0 && !requested) {
    const none = `no GPU (display or 3D controller) under ${path.join(host.root, PCI_DEVICES)}`
    return [...checks.map((c) => skipped(c, none)), {id: 'gpu.host.gpus', ok: true, status: 'skip', message: `${none}: nothing to pass through`, fix: []}]
  }
  return [...(requested ? checks : checks.map(unrequested)), gpusFound(gpus)]
}

function cpuCheck(info: HostInfo): HostCheckResult {
  const id = 'gpu.host.cpu-virtualization'
  const flag = info.cpuVirtualization
  if (flag === 'vmx' || flag === 'svm') {
    return {id, ok: true, message: `the CPU has hardware virtualization (${flag}: ${flag === 'vmx' ? 'Intel VT-x' : 'AMD-V'})`, fix: []}
  }
  if (flag === 'unknown') return {id, ok: true, status: 'skip', message: '/proc/cpuinfo has no flags line: CPU virtualization not checked', fix: []}
  return {
    id,
    ok: false,
    message: 'the CPU flags in /proc/cpuinfo show neither vmx nor svm: hardware virtualization is off in the firmware, or this is a VM without nested virtualization',
    fix: [
      'Enable VT-x (Intel) or SVM / AMD-V (AMD) in the firmware (BIOS/UEFI) setup and reboot.',
      'Inside a VM: enable nested virtualization on its host (options kvm_intel nested=1, or kvm_amd nested=1) and give the VM the host CPU model.',
    ],
  }
}

function skipped(check: HostCheckResult, reason: string): HostCheckResult {
  if (check.status === 'skip') return check
  return {id: check.id, ok: true, status: 'skip', message: `${check.message} (skipped: ${reason})`, fix: []}
}

function unrequested(check: HostCheckResult): HostCheckResult {
  if (check.ok) return check
  return {...check, status: 'warn', severity: 'warning', message: `${check.message} (needed only for GPU passthrough, which no cluster asks for here)`}
}

function gpusFound(gpus: readonly ListedGpu[]): HostCheckResult {
  const id = 'gpu.host.gpus'
  if (gpus.length === 0) return {id, ok: true, status: 'skip', message: 'no GPU (display or 3D controller) found on this host', fix: []}
  const ready = gpus.filter((g) => g.ready).length
  const message = `${gpus.length} ${gpus.length === 1 ? 'GPU' : 'GPUs'} found, ${ready} ready for passthrough now (ai-how gpu list shows more)`
  return {id, ok: true, message, fix: [], detail: gpus.flatMap(gpuLines)}
}

function gpuLines(gpu: ListedGpu): string[] {
  const name = `${gpu.vendorName ?? `vendor ${gpu.vendorId}`} ${gpu.deviceName ?? `device ${gpu.deviceId}`}`
  const group = gpu.iommuGroup === null ? 'no IOMMU group' : `IOMMU group ${gpu.iommuGroup}`
  const lines = [`${gpu.address} ${name}: ${group}, driver ${gpu.driver ?? 'none'}, ${gpu.ready ? 'ready' : `not ready: ${gpu.reasons.join('; ')}`}`]
  if (gpu.groupMembers.length > 0) {
    const members = gpu.groupMembers.map((m) => `${m.address} (${m.bridge ? 'bridge, ' : ''}driver ${m.driver ?? 'none'})`)
    lines.push(`  group shared with ${members.join(', ')}`)
  }
  return lines
}
