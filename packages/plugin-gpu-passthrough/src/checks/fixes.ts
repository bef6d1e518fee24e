/** The exact steps that fix each passthrough problem (shell lines a user can copy). */
import type {CpuVendor} from '../host/host-info.js'
import {isKnownGpuHostDriver} from '../pci/class-code.js'

export function iommuFix(vendor: CpuVendor, cmdline: readonly string[]): string[] {
  const words = vendor === 'amd' ? 'amd_iommu=on iommu=pt' : vendor === 'intel' ? 'intel_iommu=on iommu=pt' : 'intel_iommu=on iommu=pt (Intel) or amd_iommu=on iommu=pt (AMD)'
  const firmware = vendor === 'amd' ? 'AMD-Vi / IOMMU (often under "SVM" or "AMD CBS")' : vendor === 'intel' ? 'VT-d' : 'VT-d (Intel) or AMD-Vi (AMD)'
  const asked = cmdline.some((word) => /^(intel_iommu|amd_iommu)=on$/.test(word))
  const fix: string[] = []
  if (asked) fix.push(`The kernel command line already asks for it (${cmdline.join(' ')}) but no IOMMU groups exist: enable ${firmware} in the firmware (BIOS/UEFI) setup and reboot.`)
  else {
    fix.push(`Enable ${firmware} in the firmware (BIOS/UEFI) setup.`)
    fix.push(`Add "${words}" to GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub`)
    fix.push('sudo update-grub    (Fedora/RHEL: sudo grub2-mkconfig -o /boot/grub2/grub.cfg)')
    fix.push('Reboot, then check that /sys/kernel/iommu_groups is not empty: ls /sys/kernel/iommu_groups')
  }
  return fix
}

export function vfioModulesFix(): string[] {
  return [
    'sudo modprobe vfio-pci    (vfio and vfio_iommu_type1 come with it)',
    'echo vfio-pci | sudo tee /etc/modules-load.d/vfio-pci.conf    (load it at every boot)',
  ]
}

export interface BindTarget {
  address: string
  vendorId: string
  deviceId: string
  driver?: string
}

/**
 * Binding functions to vfio-pci: by vendor:device ids at boot (modprobe.d + initramfs), or per
 * address right away with driverctl. `sharedIds` warns when other host functions carry the same ids.
 */
export function vfioBindFix(targets: readonly BindTarget[], sharedIds: readonly string[]): string[] {
  const ids = [...new Set(targets.map((t) => `${t.vendorId}:${t.deviceId}`))]
  const drivers = [...new Set(targets.flatMap((t) => (t.driver !== undefined && t.driver !== 'vfio-pci' ? [t.driver] : [])))]
  const fix = [`echo "options vfio-pci ids=${ids.join(',')}" | sudo tee /etc/modprobe.d/vfio.conf    (one ids= list: keep ids already there for other devices in it)`]
  for (const driver of drivers) {
    if (isKnownGpuHostDriver(driver)) fix.push(`echo "softdep ${driver} pre: vfio-pci" | sudo tee -a /etc/modprobe.d/vfio.conf    (vfio-pci claims the device before ${driver})`)
  }
  fix.push('sudo update-initramfs -u    (Fedora/RHEL: sudo dracut -f), then reboot')
  if (sharedIds.length > 0) {
    fix.push(`Careful: ${sharedIds.join(', ')} ${sharedIds.length > 1 ? 'carry' : 'carries'} the same ids and would be taken from the host too; bind by address instead (next line).`)
  }
  const gpuHeld = drivers.some((d) => isKnownGpuHostDriver(d))
  const busy = gpuHeld ? ' (first stop what uses the GPU: display manager, nvidia-persistenced, audio server)' : ''
  fix.push(`Or by address, without a reboot${busy}: ${targets.map((t) => `sudo driverctl set-override ${t.address} vfio-pci`).join(' && ')}`)
  return fix
}

/** Adding a function to a node's devices (YAML to paste under its pcie_passthrough.devices). */
export function addDeviceFix(where: string, address: string, deviceType: string): string {
  return `Add it to the devices of ${where}: - {pci_address: "${address}", device_type: ${deviceType}}`
}

/** The device_type a function's class suggests for the config. */
export function deviceTypeFor(classCode: string): string {
  if (classCode.startsWith('03')) return 'gpu'
  if (classCode.startsWith('0403') || classCode.startsWith('0401')) return 'audio'
  if (classCode.startsWith('02')) return 'network'
  if (classCode.startsWith('01')) return 'storage'
  return 'other'
}
