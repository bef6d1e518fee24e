/**
 * What the GPU plugin adds to one VM: its hostdevs, no VNC/QXL when a GPU is passed through, and a
 * summary naming the GPUs (names from the config's ids, else from this host's sysfs when the
 * cluster runs here, through pci.ids).
 */
import type {ClusterDescription, NodeContribution, NodeDescription, PassthroughDevice} from '@ai-how/core'
import {isRemoteUri} from '../checks/requests.js'
import type {PciHost} from '../host/pci-host.js'
import {hostdevsXml} from './hostdev-xml.js'

export async function nodeContribution(host: PciHost, cluster: ClusterDescription, node: NodeDescription): Promise<NodeContribution | undefined> {
  if (node.devices.length === 0) return undefined
  const devicesXml = hostdevsXml(node.devices)
  const gpus = node.devices.filter((d) => d.deviceType === 'gpu')
  const local = !isRemoteUri(cluster.libvirtUri)
  const named = await Promise.all((gpus.length > 0 ? gpus : node.devices).map((d) => deviceSummary(host, d, local)))
  return {devicesXml, disableGraphics: gpus.length > 0, summary: named.join(', ')}
}

async function deviceSummary(host: PciHost, device: PassthroughDevice, local: boolean): Promise<string> {
  let vendorId = device.vendorId?.toLowerCase()
  let deviceId = device.deviceId?.toLowerCase()
  if ((vendorId === undefined || deviceId === undefined) && local) {
    const fn = await host.fn(device.pciAddress)
    vendorId ??= fn?.vendorId
    deviceId ??= fn?.deviceId
  }
  const fallback = `${device.deviceType === 'gpu' ? 'GPU' : device.deviceType} ${device.pciAddress}`
  if (vendorId === undefined || deviceId === undefined) return fallback
  const vendor = await host.names.vendor(vendorId)
  const name = await host.names.device(vendorId, deviceId)
  if (vendor === undefined || name === undefined) return `${fallback} [${vendorId}:${deviceId}]`
  return `${shortVendor(vendor)} ${name} (${device.pciAddress})`
}

/** 'NVIDIA Corporation' → 'NVIDIA', 'Advanced Micro Devices, Inc. [AMD/ATI]' → 'AMD/ATI'. */
export function shortVendor(vendor: string): string {
  const bracket = /\[([^\]]+)\]\s*$/.exec(vendor)
  if (bracket?.[1] !== undefined) return bracket[1]
  return vendor.replace(/,?\s+(Corporation|Corp\.|Inc\.|Technology Inc\.|Ltd\.?)$/i, '')
}
