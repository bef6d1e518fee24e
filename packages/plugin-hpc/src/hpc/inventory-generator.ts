/**
 * `ai-how inventory CONFIG hpc`: the HPC inventory. When the cluster's VMs exist, only the running
 * ones are listed, with their live IPs (a bounded number of virsh processes); otherwise every node
 * with its configured IP.
 */
import {toIni, toYaml} from '@ai-how/core'
import type {ClusterContext, InventoryGenerator} from '@ai-how/core'
import {VirshHypervisor} from '../hypervisor/virsh-hypervisor.js'
import type {DomainAddress, Hypervisor} from '../hypervisor/types.js'
import {buildHpcInventory} from '../inventory/hpc-inventory.js'
import type {LiveNode} from '../inventory/hpc-inventory.js'
import {sameOwner} from '../hypervisor/ownership.js'
import {macForVm, networkName} from '../naming/index.js'
import {clusterOwner} from '../vm/live.js'
import {isActiveState} from '../vm/power.js'
import {inventoryAccess} from './access.js'
import {hpcSection, hpcSpec} from './spec.js'

/** Running state and live IP of each node, or undefined when none of the cluster's domains exists. */
export async function liveNodes(hv: Hypervisor, ctx: ClusterContext): Promise<Map<string, LiveNode> | undefined> {
  const owner = clusterOwner(ctx.cluster)
  const domains = [...(await hv.describeDomains(ctx.cluster.nodes.map((n) => n.vmName))).values()].filter((d) => sameOwner(d.owner, owner))
  if (domains.length === 0) return undefined
  const running = domains.filter((d) => isActiveState(d.state))
  const addresses = running.length === 0 ? new Map<string, DomainAddress>() : await hv.domainAddresses(running.map((d) => ({domain: d.name, mac: macForVm(d.name), network: networkName(ctx.cluster.name)})))
  return new Map(domains.map((d) => [d.name, {running: isActiveState(d.state), ip: addresses.get(d.name)?.ip}]))
}

export function createHpcInventoryGenerator(hypervisor: (ctx: ClusterContext) => Hypervisor = (ctx) => new VirshHypervisor(ctx.cluster.libvirtUri === undefined ? {} : {uri: ctx.cluster.libvirtUri})): InventoryGenerator {
  return {
    async generate(ctx, options) {
      const live = await liveNodes(hypervisor(ctx), ctx)
      const inventory = buildHpcInventory(ctx.cluster, hpcSection(ctx), inventoryAccess(hpcSpec(ctx)), live)
      return options.format === 'yaml' ? toYaml(inventory) : toIni(inventory)
    },
  }
}

export const hpcInventoryGenerator: InventoryGenerator = createHpcInventoryGenerator()
