/** What a PCI class code (six hex digits, e.g. 030000) and a bound driver mean for passthrough. */

/** Display controllers: VGA (0300), XGA (0301), 3D (0302), other (0380). */
export function isDisplayClass(classCode: string): boolean {
  return classCode.startsWith('03')
}

/** PCI-to-PCI bridges (root ports, switch ports): they may share a group; vfio does not need them. */
export function isBridgeClass(classCode: string): boolean {
  return classCode.startsWith('0604')
}

export const VFIO_DRIVER = 'vfio-pci'

/** Drivers that leave a function usable by vfio: vfio-pci itself and pci-stub (a placeholder). */
export function isVfioFriendlyDriver(driver: string | undefined): boolean {
  return driver === undefined || driver === VFIO_DRIVER || driver === 'pci-stub'
}

/** Host drivers that commonly hold GPUs and their audio functions (for targeted advice). */
export const GPU_HOST_DRIVERS = ['nvidia', 'nouveau', 'amdgpu', 'radeon', 'i915', 'xe', 'snd_hda_intel'] as const

export function isKnownGpuHostDriver(driver: string | undefined): boolean {
  return driver !== undefined && (GPU_HOST_DRIVERS as readonly string[]).includes(driver)
}
