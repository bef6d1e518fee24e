/**
 * The live libvirt view of one cluster, read in a bounded number of virsh processes: its network
 * and pool (by name, with their owners) and the domains of its nodes (by name), and the plan of
 * what `start` does with each node.
 */
import {HypervisorError} from '@ai-how/core'
import type {ClusterDescription, NodeDescription} from '@ai-how/core'
import {sameOwner} from '../hypervisor/ownership.js'
import type {DomainDetails, Hypervisor, NetworkSummary, Owner, PoolSummary} from '../hypervisor/types.js'
import {networkName, poolName} from '../naming/index.js'
import {isActiveState} from './power.js'

export interface LiveCluster {
  network: NetworkSummary | undefined
  pool: PoolSummary | undefined
  /** Domains of the config's nodes that exist, by VM name. */
  domains: Map<string, DomainDetails>
  /** Which of those hold a managed-save image (start restores them). */
  managedSaved: Set<string>
}

export function clusterOwner(cluster: ClusterDescription): Owner {
  return {cluster: cluster.name, kind: cluster.kind}
}

/** One `describeCluster` call: one virsh process whatever the number of nodes (up to ~95). */
export async function readLive(hv: Hypervisor, cluster: ClusterDescription): Promise<LiveCluster> {
  return hv.describeCluster({network: networkName(cluster.name), pool: poolName(cluster.name), domains: cluster.nodes.map((n) => n.vmName)})
}

/** create: no domain yet; boot: ai-how's domain, shut off, to be started; keep: left as it is. */
export type NodeAction = 'create' | 'boot' | 'keep'

export interface NodePlan {
  node: NodeDescription
  action: NodeAction
  /** Whether the node runs once `start` is done (and so is waited for over SSH). */
  running: boolean
  domain?: DomainDetails
}

/** What start does with each node; a domain of a node's name that is not this cluster's stops everything. */
export function planNodes(cluster: ClusterDescription, domains: ReadonlyMap<string, DomainDetails>): NodePlan[] {
  const owner = clusterOwner(cluster)
  const foreign = cluster.nodes.filter((n) => {
    const d = domains.get(n.vmName)
    return d !== undefined && !sameOwner(d.owner, owner)
  })
  if (foreign.length > 0) {
    const names = foreign.map((n) => n.vmName).join(', ')
    throw new HypervisorError(`domain(s) ${names} exist but were not created by ai-how for the ${cluster.kind} cluster ${cluster.name}`, {
      code: 'DOMAIN_FOREIGN',
      actions: [`ai-how never changes or removes domains it did not create. Remove them yourself (virsh undefine NAME) if they are not needed, or rename the cluster.`],
    })
  }
  return cluster.nodes.map((node) => {
    const domain = domains.get(node.vmName)
    if (domain === undefined) return {node, action: 'create', running: node.autoStart}
    const active = isActiveState(domain.state)
    if (!active && node.autoStart) return {node, action: 'boot', running: true, domain}
    return {node, action: 'keep', running: active, domain}
  })
}
