/**
 * Host-wide facts that passthrough depends on: is the IOMMU on (groups exist), what the kernel
 * command line asks for, are the vfio modules loaded (as modules or built in), and the CPU vendor
 * (which decides between intel_iommu=on and amd_iommu=on).
 */
import type {HostFs} from './host-fs.js'
import {countIommuGroups} from './pci-sysfs.js'

export const VFIO_MODULES = ['vfio', 'vfio_iommu_type1', 'vfio_pci'] as const
export type VfioModule = (typeof VFIO_MODULES)[number]

export type CpuVendor = 'intel' | 'amd' | 'unknown'
/** The CPU's hardware virtualization flag in /proc/cpuinfo: vmx (Intel VT-x), svm (AMD-V), none, or unknown (no flags line). */
export type CpuVirtualization = 'vmx' | 'svm' | 'none' | 'unknown'

export interface HostInfo {
  root: string
  iommu: {
    /** True when /sys/kernel/iommu_groups has groups: the kernel isolates devices. */
    enabled: boolean
    groups: number
    /** IOMMU-related words of /proc/cmdline (intel_iommu=on, amd_iommu=..., iommu=pt, ...). */
    cmdline: string[]
  }
  /** Each vfio module: loaded as a module or built into the kernel. */
  vfio: Record<VfioModule, boolean>
  cpuVendor: CpuVendor
  cpuVirtualization: CpuVirtualization
  /** The running kernel (/proc/sys/kernel/osrelease) and whether it ships vfio-pci, per /lib/modules/<release>. */
  kernel: {release: string | null; vfioPci: VfioPciAvailability}
}

/** vfio-pci in the running kernel: a loadable module (modules.dep), built in (modules.builtin), neither, or unknown (no /lib/modules). */
export type VfioPciAvailability = 'module' | 'builtin' | 'absent' | 'unknown'

export async function readHostInfo(host: HostFs): Promise<HostInfo> {
  const groups = await countIommuGroups(host)
  const cmdline = (await host.readText('/proc/cmdline')) ?? ''
  const cpuinfo = (await host.readText('/proc/cpuinfo')) ?? ''
  const modules = loadedModules((await host.readText('/proc/modules')) ?? '')
  const vfio = {} as Record<VfioModule, boolean>
  for (const name of VFIO_MODULES) vfio[name] = modules.has(name) || (await host.exists(`/sys/module/${name}`))
  return {
    root: host.root,
    iommu: {enabled: groups > 0, groups, cmdline: iommuWords(cmdline)},
    vfio,
    cpuVendor: cpuVendor(cpuinfo),
    cpuVirtualization: cpuVirtualization(cpuinfo),
    kernel: await kernelInfo(host),
  }
}

/** Module names from /proc/modules (first column). */
export function loadedModules(text: string): Set<string> {
  const names = new Set<string>()
  for (const line of text.split('\n')) {
    const name = line.split(' ', 1)[0]
    if (name !== undefined && name !== '') names.add(name)
  }
  return names
}

export function iommuWords(cmdline: string): string[] {
  return cmdline.split(/\s+/).filter((word) => /^(intel_iommu|amd_iommu|iommu)=/.test(word))
}

export function cpuVendor(cpuinfo: string): CpuVendor {
  const match = /^vendor_id\s*:\s*(\S+)/m.exec(cpuinfo)
  if (match?.[1] === 'GenuineIntel') return 'intel'
  if (match?.[1] === 'AuthenticAMD' || match?.[1] === 'HygonGenuine') return 'amd'
  return 'unknown'
}

async function kernelInfo(host: HostFs): Promise<HostInfo['kernel']> {
  const release = (await host.readText('/proc/sys/kernel/osrelease'))?.trim() ?? ''
  if (release === '') return {release: null, vfioPci: 'unknown'}
  const dep = await host.readText(`/lib/modules/${release}/modules.dep`)
  const builtin = await host.readText(`/lib/modules/${release}/modules.builtin`)
  const ships = (text: string | undefined): boolean => /(^|\/)vfio-pci\.ko/m.test(text ?? '')
  const vfioPci = ships(dep) ? 'module' : ships(builtin) ? 'builtin' : dep === undefined && builtin === undefined ? 'unknown' : 'absent'
  return {release, vfioPci}
}

export function cpuVirtualization(cpuinfo: string): CpuVirtualization {
  const flags = /^flags\s*:(.*)$/m.exec(cpuinfo)?.[1]
  if (flags === undefined) return 'unknown'
  const words = new Set(flags.trim().split(/\s+/))
  return words.has('vmx') ? 'vmx' : words.has('svm') ? 'svm' : 'none'
}

export function missingVfioModules(info: HostInfo): VfioModule[] {
  return VFIO_MODULES.filter((name) => !info.vfio[name])
}
