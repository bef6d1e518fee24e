/** describe() and check() of the hpc kind: the section seen as a ClusterDescription, plus Slurm checks. */
import {issueAt} from '@ai-how/core'
import type {ClusterDescription, ConfigIssue, LoadedConfig} from '@ai-how/core'
import {nodeKeys} from '../naming/names.js'
import {clusterPath, describeClusterShell} from './describe/cluster.js'
import {nodeDescriber} from './describe/node.js'
import {dhcpRangeIssues} from './network-check.js'
import type {HpcClusterConfig} from './types.js'

export const HPC_KIND = 'hpc'
export const HPC_ROLES = {controller: 'controller', compute: 'compute'} as const

type Loaded = Omit<LoadedConfig, 'warnings'>

/** Node keys 'controller', 'compute-01', ... (list order); VMs `<name>-controller`, `<name>-compute-NN`. */
export function describeHpc(section: unknown, loaded: Loaded): ClusterDescription {
  const cluster = section as HpcClusterConfig
  const base = clusterPath(HPC_KIND)
  const describeNode = nodeDescriber(cluster, base, loaded)
  const controller = describeNode({
    key: nodeKeys.controller,
    role: HPC_ROLES.controller,
    node: cluster.controller,
    ip: cluster.controller.ip_address,
    path: [...base, 'controller'],
    ipField: 'ip_address',
  })
  const computes = cluster.compute_nodes.map((node, i) =>
    describeNode({
      key: nodeKeys.compute(i + 1),
      role: HPC_ROLES.compute,
      node,
      ip: node.ip,
      path: [...base, 'compute_nodes', i],
      ipField: 'ip',
    }),
  )
  return {...describeClusterShell(HPC_KIND, cluster, loaded), nodes: [controller, ...computes]}
}

/** Checks the schema cannot express: the DHCP range libvirt will take; the default partition must be one of the partitions. */
export function checkHpc(section: unknown, loaded: Loaded): ConfigIssue[] {
  const {slurm_config: slurm, network} = section as HpcClusterConfig
  const issues = dhcpRangeIssues(network, clusterPath(HPC_KIND), loaded.locator)
  if (slurm.partitions.includes(slurm.default_partition)) return issues
  return [
    ...issues,
    issueAt(loaded.locator, [...clusterPath(HPC_KIND), 'slurm_config', 'default_partition'], {
      code: 'slurm.default-partition-unknown',
      message: `default_partition "${slurm.default_partition}" is not one of the partitions (${slurm.partitions.join(', ')})`,
      fix: `Set default_partition to one of: ${slurm.partitions.join(', ')}; or add "${slurm.default_partition}" to partitions.`,
    }),
  ]
}
