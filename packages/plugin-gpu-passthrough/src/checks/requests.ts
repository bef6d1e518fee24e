/** The passthrough requests of a set of clusters: which node of which cluster asks for which device. */
import type {ClusterDescription, NodeDescription, PassthroughDevice, YamlPath} from '@ai-how/core'

export interface DeviceRequest {
  cluster: ClusterDescription
  node: NodeDescription
  device: PassthroughDevice
}

export function deviceRequests(clusters: readonly ClusterDescription[]): DeviceRequest[] {
  return clusters.flatMap((cluster) => cluster.nodes.flatMap((node) => node.devices.map((device) => ({cluster, node, device}))))
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
