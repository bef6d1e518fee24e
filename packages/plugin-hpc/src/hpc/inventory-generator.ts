/**
 * `ai-how inventory CONFIG hpc`: the HPC inventory. When the cluster's VMs exist, only the running
 * ones are listed, with their live IPs (a bounded number of virsh processes); otherwise every node
 * with its configured IP.
 */
import {toIni, toYaml} from '@ai-how/core'
import type {ClusterContext, InventoryGenerator} from '@ai-how/core'
import {VirshHypervisor} from '../hypervisor/virsh-hypervisor.js'
import type {Hypervisor} from '../hypervisor/types.js'
import {buildHpcInventory} from '../inventory/hpc-inventory.js'
import {inventoryAccess} from '../vm/inventory-access.js'
import {liveNodes} from '../vm/live-nodes.js'
import {hpcSection, hpcSpec} from './spec.js'

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
