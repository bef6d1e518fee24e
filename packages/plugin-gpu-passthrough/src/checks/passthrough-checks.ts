/**
 * Passthrough readiness of every device that any node of any cluster asks for (control planes and
 * workers of every kind alike): host-wide checks once (IOMMU, vfio modules), device checks once per
 * address, host drivers once per IOMMU group, the IOMMU-group rule per node. Clusters on a remote libvirt host are reported as not
 * checked from here. No request at all: no result, except with `hostWide` (ai-how doctor), which
 * puts the host's readiness first (CPU virtualization, IOMMU, vfio, the GPUs found) in every case.
 */
import type {ClusterDescription, HostCheckResult} from '@ai-how/core'
import type {PciHost} from '../host/pci-host.js'
import type {PciFunction} from '../host/pci-sysfs.js'
import {comparePciAddresses, isPciAddress} from '../pci/address.js'
import {deviceChecks} from './device-checks.js'
import {driverChecks} from './driver-checks.js'
import {groupChecks} from './group-checks.js'
import {hostReadinessChecks} from './host-readiness.js'
import {hostWideChecks} from './host-wide.js'
import {deviceRequests, isRemoteUri, nodeLabel} from './requests.js'
import type {DeviceRequest, Locate} from './requests.js'

export async function passthroughChecks(host: PciHost, clusters: readonly ClusterDescription[], locate?: Locate, options: {hostWide?: boolean} = {}): Promise<HostCheckResult[]> {
  const results: HostCheckResult[] = []
  const local: ClusterDescription[] = []
  for (const cluster of clusters) {
    if (!isRemoteUri(cluster.libvirtUri)) local.push(cluster)
    else if (deviceRequests([cluster]).length > 0) results.push(remoteNotice(cluster))
  }
  const requests = deviceRequests(local, locate)
  if (options.hostWide === true) results.push(...(await hostReadinessChecks(host, requests.length > 0)))
  if (requests.length === 0) return results
  if (options.hostWide !== true) results.push(...(await hostWideChecks(host)))
  const byAddress = groupBy(requests, (r) => r.device.pciAddress)
  const present: PciFunction[] = []
  for (const address of [...byAddress.keys()].sort(comparePciAddresses)) {
    const asking = byAddress.get(address) ?? []
    results.push(...(isPciAddress(address) ? await deviceChecks(host, address, asking) : [malformed(address, asking)]))
    const fn = isPciAddress(address) ? await host.fn(address) : undefined
    if (fn !== undefined) present.push(fn)
  }
  results.push(...(await driverChecks(host, present)))
  if ((await host.info()).iommu.enabled) {
    for (const cluster of local) {
      const inCluster = requests.filter((r) => r.cluster === cluster && isPciAddress(r.device.pciAddress))
      for (const node of groupBy(inCluster, (r) => r.node.key).values()) results.push(...(await groupChecks(host, node, inCluster)))
    }
  }
  return results
}

function malformed(address: string, asking: readonly DeviceRequest[]): HostCheckResult {
  return {
    id: 'gpu.device.malformed-address',
    ok: false,
    message: `${JSON.stringify(address)} (requested by ${asking.map((r) => nodeLabel(r.cluster, r.node)).join(', ')}) is not a PCI address`,
    fix: asking.map((r) => `Write ${r.where} as DDDD:BB:SS.F in lower-case hex, e.g. 0000:01:00.0 (lspci -D shows them).`),
  }
}

function remoteNotice(cluster: ClusterDescription): HostCheckResult {
  return {
    id: `gpu.remote.${cluster.kind}`,
    ok: true,
    message: `${cluster.kind} cluster "${cluster.name}" runs on ${String(cluster.libvirtUri)}: its passthrough devices are not checked from this host`,
    fix: [],
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = map.get(k)
    if (list === undefined) map.set(k, [item])
    else list.push(item)
  }
  return map
}
