/**
 * describe() of the cloud kind. Node keys: 'control-plane', then 'cpu-worker-NN' / 'gpu-worker-NN'
 * with two independent counters in list order (a worker is a GPU worker iff passthrough is enabled
 * and lists a gpu device).
 */
import {issueAt} from '@ai-how/core'
import type {ClusterDescription, ConfigIssue, LoadedConfig} from '@ai-how/core'
import {clusterPath, describeClusterShell, dhcpRangeIssues, isGpuNode, nodeDescriber, nodeKeys} from '@ai-how/plugin-hpc'
import type {CloudClusterConfig} from './types.js'

export const CLOUD_KIND = 'cloud'
export const CLOUD_ROLES = {controlPlane: 'kubernetes-control-plane', worker: 'kubernetes-worker'} as const

export function describeCloud(section: unknown, loaded: Omit<LoadedConfig, 'warnings'>): ClusterDescription {
  const cluster = section as CloudClusterConfig
  const base = clusterPath(CLOUD_KIND)
  const describeNode = nodeDescriber(cluster, base, loaded)
  const controlPlane = describeNode({
    key: nodeKeys.controlPlane,
    role: CLOUD_ROLES.controlPlane,
    node: cluster.control_plane,
    ip: cluster.control_plane.ip_address,
    path: [...base, 'control_plane'],
    ipField: 'ip_address',
  })
  let cpu = 0
  let gpu = 0
  const workers = cluster.worker_nodes.map((node, i) =>
    describeNode({
      key: isGpuNode(node) ? nodeKeys.gpuWorker(++gpu) : nodeKeys.cpuWorker(++cpu),
      role: CLOUD_ROLES.worker,
      node,
      ip: node.ip,
      path: [...base, 'worker_nodes', i],
      ipField: 'ip',
    }),
  )
  return {...describeClusterShell(CLOUD_KIND, cluster, loaded), nodes: [controlPlane, ...workers]}
}

/** What the schema cannot say: the DHCP range libvirt will take; hostdevs go to GPU workers only, never to the control plane. */
export function checkCloud(section: unknown, loaded: Omit<LoadedConfig, 'warnings'>): ConfigIssue[] {
  const cluster = section as CloudClusterConfig
  const issues = dhcpRangeIssues(cluster.network, clusterPath(CLOUD_KIND), loaded.locator)
  if (cluster.control_plane.pcie_passthrough?.enabled !== true) return issues
  return [
    ...issues,
    issueAt(loaded.locator, [...clusterPath(CLOUD_KIND), 'control_plane', 'pcie_passthrough'], {
      code: 'cloud.control-plane-passthrough',
      message: 'the control plane cannot have PCIe passthrough: GPUs go to workers (Kubernetes schedules GPU workloads there)',
      fix: 'Move the devices to an entry of worker_nodes (it becomes a GPU worker), or set control_plane.pcie_passthrough.enabled: false.',
    }),
  ]
}
