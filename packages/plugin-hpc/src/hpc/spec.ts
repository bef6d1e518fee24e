/** The VmClusterSpec of an hpc cluster: the shared VM fields plus the controller and compute node entries. */
import type {ClusterContext} from '@ai-how/core'
import type {HpcClusterConfig, NodeSpecConfig} from '../kind/types.js'
import {nodeKeys} from '../naming/index.js'
import {vmSpecFromConfig} from '../vm/spec-from-config.js'
import type {VmClusterSpec} from '../vm/types.js'

export const HPC_STATE_KEY = 'hpc_cluster'

export function hpcSection(ctx: ClusterContext): HpcClusterConfig {
  return ctx.section as HpcClusterConfig
}

/** The config entry of each node, by node key (controller, compute-01, ...). */
export function hpcNodeConfigs(section: HpcClusterConfig): Map<string, NodeSpecConfig> {
  return new Map<string, NodeSpecConfig>([[nodeKeys.controller, section.controller], ...section.compute_nodes.map((n, i): [string, NodeSpecConfig] => [nodeKeys.compute(i + 1), n])])
}

export function hpcSpec(ctx: ClusterContext): VmClusterSpec {
  const section = hpcSection(ctx)
  return vmSpecFromConfig({ctx, common: section, nodeConfigs: hpcNodeConfigs(section), stateKey: HPC_STATE_KEY})
}
