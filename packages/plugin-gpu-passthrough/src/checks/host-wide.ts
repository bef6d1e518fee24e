/** The host-wide passthrough prerequisites that every check of a requested device starts with: IOMMU on, vfio modules loaded (or at least available). */
import type {HostCheckResult} from '@ai-how/core'
import {missingVfioModules} from '../host/host-info.js'
import type {HostInfo} from '../host/host-info.js'
import type {PciHost} from '../host/pci-host.js'
import {iommuFix, vfioModulesFix} from './fixes.js'

/** The IOMMU check reads what `gpu list` reads (HostInfo.iommu: groups under /sys/kernel/iommu_groups). */
export async function hostWideChecks(host: PciHost): Promise<HostCheckResult[]> {
  const info = await host.info()
  const iommu: HostCheckResult = info.iommu.enabled
    ? {id: 'gpu.host.iommu', ok: true, message: `the IOMMU is on (${info.iommu.groups} IOMMU groups)`, fix: []}
    : {id: 'gpu.host.iommu', ok: false, message: 'the IOMMU is off: /sys/kernel/iommu_groups is empty, so no device can be passed through', fix: iommuFix(info.cpuVendor, info.iommu.cmdline)}
  const missing = missingVfioModules(info)
  const vfio: HostCheckResult = missing.length === 0
    ? {id: 'gpu.host.vfio-modules', ok: true, message: 'the vfio modules are loaded (vfio, vfio_iommu_type1, vfio_pci)', fix: []}
    : {id: 'gpu.host.vfio-modules', ok: false, message: `vfio modules not loaded: ${missing.join(', ')}`, ...availability(info)}
  return [iommu, vfio]
}

/** Whether modprobe can load vfio-pci on the running kernel (read from /lib/modules), and the fix that follows. */
function availability(info: HostInfo): {fix: string[]; detail?: string[]} {
  const {release, vfioPci} = info.kernel
  const where = `/lib/modules/${String(release)}`
  if (vfioPci === 'module') return {fix: vfioModulesFix(), detail: [`vfio-pci is available in ${where} (modules.dep): modprobe loads it`]}
  if (vfioPci === 'builtin') return {fix: vfioModulesFix(), detail: [`vfio-pci is built into the kernel ${String(release)} (modules.builtin)`]}
  if (vfioPci === 'unknown') return {fix: vfioModulesFix()}
  return {
    fix: [`Install a kernel that ships vfio-pci (CONFIG_VFIO_PCI; the distribution kernels do: Debian linux-image-amd64, Ubuntu linux-generic) and boot it.`, ...vfioModulesFix()],
    detail: [`the running kernel ${String(release)} has no vfio-pci module in ${where}`],
  }
}
