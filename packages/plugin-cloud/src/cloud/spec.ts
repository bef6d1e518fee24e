/** The VmClusterSpec of a cloud cluster: the shared VM fields plus the control plane and worker entries. */
import type {ClusterContext} from '@ai-how/core'
import {nodeKeys, vmSpecFromConfig} from '@ai-how/plugin-hpc'
import type {NodeSpecConfig, VmClusterSpec} from '@ai-how/plugin-hpc'
import {isGpuNode} from '@ai-how/plugin-hpc'
import type {CloudClusterConfig} from '../kind/types.js'

export const CLOUD_STATE_KEY = 'cloud_cluster'

export function cloudSection(ctx: Pick<ClusterContext, 'section'>): CloudClusterConfig {
  return ctx.section as CloudClusterConfig
}

/** The config entry of each node, by node key (control-plane, cpu-worker-NN, gpu-worker-NN: the counters of describe()). */
export function cloudNodeConfigs(section: CloudClusterConfig): Map<string, NodeSpecConfig> {
  const configs = new Map<string, NodeSpecConfig>([[nodeKeys.controlPlane, section.control_plane]])
  let cpu = 0
  let gpu = 0
  for (const node of section.worker_nodes) configs.set(isGpuNode(node) ? nodeKeys.gpuWorker(++gpu) : nodeKeys.cpuWorker(++cpu), node)
  return configs
}

export function cloudSpec(ctx: ClusterContext): VmClusterSpec {
  const section = cloudSection(ctx)
  return vmSpecFromConfig({ctx, common: section, nodeConfigs: cloudNodeConfigs(section), stateKey: CLOUD_STATE_KEY})
}
