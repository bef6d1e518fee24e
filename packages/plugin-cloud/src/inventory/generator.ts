/**
 * `ai-how inventory CONFIG cloud [-f ini|yaml]`: the Kubespray inventory of the cloud cluster, with
 * the Kubespray settings of kubernetes_config as k8s_cluster vars so that the one file is enough
 * for `ansible-playbook -i FILE cluster.yml`. When the cluster's VMs exist, only the running ones are
 * listed, with their live IPs; otherwise every node with auto_start, with its configured IP. Nodes
 * left out are named on stderr (ctx.log.warn), never in the inventory text.
 */
import {toIni, toYaml} from '@ai-how/core'
import type {ClusterContext, InventoryGenerator} from '@ai-how/core'
import {DEFAULT_SEED_USER, VirshHypervisor, clusterKeyPath, clusterKnownHostsPath, liveNodes} from '@ai-how/plugin-hpc'
import type {Hypervisor, InventoryAccess} from '@ai-how/plugin-hpc'
import type {CloudClusterConfig} from '../kind/types.js'
import {buildCloudInventory, leftOutNodes, leftOutNotice, withClusterVars} from './cloud-inventory.js'
import {cloudGroupVars} from './group-vars.js'

/**
 * How Ansible reaches the cloud VMs: what inventoryAccess(vmSpecFromConfig(...)) gives for this
 * section (ssh.user or the seed user, ssh.private_key_path or the cluster key, the cluster's
 * known_hosts under the output folder).
 */
export function cloudInventoryAccess(ctx: ClusterContext): InventoryAccess {
  const section = ctx.section as CloudClusterConfig
  return {
    user: section.ssh?.user ?? DEFAULT_SEED_USER,
    privateKeyPath: section.ssh?.private_key_path ?? clusterKeyPath(ctx.outputDir, ctx.cluster.name),
    knownHostsPath: clusterKnownHostsPath(ctx.outputDir, ctx.cluster.name),
  }
}

function virsh(ctx: ClusterContext): Hypervisor {
  return new VirshHypervisor(ctx.cluster.libvirtUri === undefined ? {} : {uri: ctx.cluster.libvirtUri})
}

export function createCloudInventoryGenerator(hypervisor: (ctx: ClusterContext) => Hypervisor = virsh, access: (ctx: ClusterContext) => InventoryAccess = cloudInventoryAccess): InventoryGenerator {
  return {
    async generate(ctx, options) {
      const section = ctx.section as CloudClusterConfig
      const vars = cloudGroupVars(section)
      const live = await liveNodes(hypervisor(ctx), ctx)
      const inventory = withClusterVars(buildCloudInventory(ctx.cluster, section, access(ctx), live), vars)
      for (const node of leftOutNodes(ctx.cluster, live)) ctx.log.warn(leftOutNotice(node))
      return options.format === 'yaml' ? toYaml(inventory) : toIni(inventory)
    },
  }
}

export const cloudInventoryGenerator: InventoryGenerator = createCloudInventoryGenerator()
