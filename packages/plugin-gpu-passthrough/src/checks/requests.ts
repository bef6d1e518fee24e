/** The passthrough requests of a set of clusters: which node of which cluster asks for which device. */
import type {ClusterDescription, NodeDescription, PassthroughDevice, YamlPath} from '@ai-how/core'

export interface DeviceRequest {
  cluster: ClusterDescription
  node: NodeDescription
  device: PassthroughDevice
  /** Where the device's address is written: `clusters.hpc.compute_nodes[1].pcie_passthrough.devices[0].pci_address`, with file:line when known. */
  where: string
}

/** Finds the file:line of a YAML path (the config loader's locator), when the caller has one. */
export type Locate = (path: YamlPath) => string | undefined

export function deviceRequests(clusters: readonly ClusterDescription[], locate?: Locate): DeviceRequest[] {
  return clusters.flatMap((cluster) => cluster.nodes.flatMap((node) => node.devices.map((device) => {
    const at = [...device.path, 'pci_address']
    const position = locate?.(at)
    return {cluster, node, device, where: `${dottedPath(at)}${position === undefined ? '' : ` (${position})`}`}
  })))
}

/** `cloud cluster "demo" node gpu-worker-01` */
export function nodeLabel(cluster: ClusterDescription, node: NodeDescription): string {
  return `${cluster.kind} cluster "${cluster.name}" node ${node.key}`
}

/** clusters.cloud.worker_nodes[1].pcie_passthrough.devices[0] */
export function dottedPath(path: YamlPath): string {
  let out = ''
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`
  return out
}

/**
 * True when the cluster's libvirt URI names another machine (qemu+ssh://host/system): its devices
 * live there, so this host's sysfs says nothing about them.
 */
export function isRemoteUri(uri: string | undefined): boolean {
  if (uri === undefined) return false
  try {
    return new URL(uri).hostname !== ''
  } catch {
    return false
  }
}
