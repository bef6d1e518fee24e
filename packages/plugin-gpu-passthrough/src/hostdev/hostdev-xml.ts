/**
 * libvirt `<hostdev>` elements for a node's passthrough devices. The functions of one physical
 * device (same domain:bus:slot on the host) share one guest slot, renumbered from function 0 in
 * host order, with multifunction='on' on function 0 when there are several; GPUs get a ROM BAR.
 * Guest slots are assigned deterministically on bus 0 (pci-root on 'pc', pcie-root on 'q35'),
 * from slot 0x10 upwards in host address order, so libvirt's own assignments never collide.
 */
import {AiHowError} from '@ai-how/core'
import {comparePciAddresses, hex, isPciAddress, parsePciAddress, physicalDeviceOf} from '../pci/address.js'

export interface HostdevRequest {
  pciAddress: string
  deviceType: string
}

export const FIRST_GUEST_SLOT = 0x10
/** Slots 0x1e and 0x1f are taken by q35's own devices (DMI bridge, ICH9 LPC/SATA/SMBus). */
export const LAST_GUEST_SLOT = 0x1d

export interface PlannedHostdev {
  hostAddress: string
  deviceType: string
  guest: {bus: number; slot: number; fn: number; multifunction: boolean}
}

/** Where each device goes in the guest (sorted by host address). Throws on a malformed or repeated address. */
export function planHostdevs(devices: readonly HostdevRequest[]): PlannedHostdev[] {
  const seen = new Set<string>()
  for (const device of devices) {
    if (!isPciAddress(device.pciAddress)) {
      throw new AiHowError(`${JSON.stringify(device.pciAddress)} is not a PCI address (DDDD:BB:SS.F)`, {
        code: 'GPU_BAD_ADDRESS',
        exitCode: 2,
        actions: ['Write pci_address as lower-case DDDD:BB:SS.F, e.g. 0000:01:00.0 (see lspci -D).'],
      })
    }
    if (seen.has(device.pciAddress)) {
      throw new AiHowError(`PCI device ${device.pciAddress} is listed twice for one VM`, {code: 'GPU_DUPLICATE_DEVICE', exitCode: 2, actions: ['Remove the repeated entry from the node\'s pcie_passthrough.devices.']})
    }
    seen.add(device.pciAddress)
  }
  const physical = new Map<string, HostdevRequest[]>()
  for (const device of [...devices].sort((a, b) => comparePciAddresses(a.pciAddress, b.pciAddress))) {
    const key = physicalDeviceOf(device.pciAddress)
    physical.set(key, [...(physical.get(key) ?? []), device])
  }
  if (physical.size > LAST_GUEST_SLOT - FIRST_GUEST_SLOT + 1) {
    throw new AiHowError(`${physical.size} physical PCI devices for one VM: at most ${LAST_GUEST_SLOT - FIRST_GUEST_SLOT + 1} are supported`, {code: 'GPU_TOO_MANY_DEVICES', exitCode: 2, actions: ['Pass fewer devices through to this node.']})
  }
  const planned: PlannedHostdev[] = []
  let slot = FIRST_GUEST_SLOT
  for (const functions of physical.values()) {
    functions.forEach((device, fn) => {
      planned.push({hostAddress: device.pciAddress, deviceType: device.deviceType, guest: {bus: 0, slot, fn, multifunction: fn === 0 && functions.length > 1}})
    })
    slot += 1
  }
  return planned
}

/** One `<hostdev>` element (indented for a `<devices>` child, no trailing newline). */
export function hostdevXml(device: PlannedHostdev): string {
  const host = parsePciAddress(device.hostAddress)
  const source = `<address domain=${attr(hex(host.domain, 4))} bus=${attr(hex(host.bus, 2))} slot=${attr(hex(host.slot, 2))} function=${attr(hex(host.fn, 1))}/>`
  const {guest} = device
  const multifunction = guest.multifunction ? ` multifunction=${attr('on')}` : ''
  const target = `<address type=${attr('pci')} domain=${attr('0x0000')} bus=${attr(hex(guest.bus, 2))} slot=${attr(hex(guest.slot, 2))} function=${attr(hex(guest.fn, 1))}${multifunction}/>`
  const lines = [
    `<hostdev mode=${attr('subsystem')} type=${attr('pci')} managed=${attr('yes')}>`,
    '  <source>',
    `    ${source}`,
    '  </source>',
    ...(device.deviceType === 'gpu' ? [`  <rom bar=${attr('on')}/>`] : []),
    `  ${target}`,
    '</hostdev>',
  ]
  return lines.join('\n')
}

export function hostdevsXml(devices: readonly HostdevRequest[]): string[] {
  return planHostdevs(devices).map(hostdevXml)
}

/** A single-quoted XML attribute value, escaped. */
export function attr(value: string): string {
  return `'${value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;')}'`
}
