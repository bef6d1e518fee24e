/**
 * Running state and live IP of each node of a cluster, for the inventories of every kind: a bounded
 * number of virsh processes (one batch for the domains, one for the addresses of the running ones).
 */
import type {ClusterContext} from '@ai-how/core'
import type {DomainAddress, Hypervisor} from '../hypervisor/types.js'
import type {LiveNode} from '../inventory/hpc-inventory.js'
import {sameOwner} from '../hypervisor/ownership.js'
import {macForVm, networkName} from '../naming/index.js'
import {clusterOwner} from './live.js'
import {isActiveState} from './power.js'

/** Running state and live IP of each node, or undefined when none of the cluster's domains exists. */
export async function liveNodes(hv: Hypervisor, ctx: Pick<ClusterContext, 'cluster'>): Promise<Map<string, LiveNode> | undefined> {
  const owner = clusterOwner(ctx.cluster)
  const domains = [...(await hv.describeDomains(ctx.cluster.nodes.map((n) => n.vmName))).values()].filter((d) => sameOwner(d.owner, owner))
  if (domains.length === 0) return undefined
  const running = domains.filter((d) => isActiveState(d.state))
  const addresses = running.length === 0 ? new Map<string, DomainAddress>() : await hv.domainAddresses(running.map((d) => ({domain: d.name, mac: macForVm(d.name), network: networkName(ctx.cluster.name)})))
  return new Map(domains.map((d) => [d.name, {running: isActiveState(d.state), ip: addresses.get(d.name)?.ip}]))
}

