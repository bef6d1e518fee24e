/**
 * Nodes that a cluster's config no longer names while their VMs still exist (ai-how's domains of
 * this cluster, found by ownership). `start` refuses to go on with them unless told to remove them
 * (--remove-nodes); then each goes with everything ai-how made for it alone: its domain (powered off
 * at once), its volumes (disk, seed), its SSH host key and its known_hosts lines. Nothing else of
 * the cluster is touched.
 */
import {UsageError} from '@ai-how/core'
import type {ClusterStateEntry, Step, StepContext} from '@ai-how/core'
import type {DomainDetails} from '../hypervisor/types.js'
import {forgetHostKeys, nodePatterns} from '../ssh/known-hosts.js'
import {nodeHostKeyPath, removeNodeHostKey} from '../ssh/node-host-keys.js'
import {nodeFor} from './destroy.js'
import type {ClusterManagerDeps, VmClusterSpec} from './types.js'
import type {VmManager} from './vm-manager.js'
import type {VolumeManager} from './volume-manager.js'

/** ai-how's domains of this cluster whose VM name no node of the config has. */
export async function removedDomains(deps: ClusterManagerDeps, spec: VmClusterSpec): Promise<DomainDetails[]> {
  const names = new Set(spec.cluster.nodes.map((n) => n.vmName))
  const owned = await deps.hypervisor.listOwned(spec.cluster.name, spec.cluster.kind)
  return owned.domains.filter((d) => !names.has(d.name)).sort((a, b) => a.name.localeCompare(b.name))
}

export function nodesRemovedError(spec: VmClusterSpec, names: readonly string[]): UsageError {
  const {kind, name} = spec.cluster
  return new UsageError(`the config of ${kind} cluster ${name} no longer names ${names.length} node(s) whose VMs exist: ${names.join(', ')}`, {
    code: 'NODES_REMOVED',
    actions: [
      `Put the node(s) back in ${spec.configFile} to keep them, or`,
      `rerun with --remove-nodes to delete ${names.join(', ')} (VM, disk, host key${kind === 'hpc' ? ', Slurm node' : ''}); nothing else of the cluster is touched.`,
    ],
    details: {nodes: names},
  })
}

export interface RemoveNodesInput {
  spec: VmClusterSpec
  deps: ClusterManagerDeps
  vms: VmManager
  volumes: VolumeManager
  previous: ClusterStateEntry | undefined
  /** --remove-nodes */
  allowed: boolean
  /** The kind's own leave-taking before the VMs go (e.g. set the Slurm nodes down); may only warn. */
  beforeRemove?: (domains: readonly DomainDetails[], ctx: StepContext) => Promise<void>
  /** Filled with the VM names removed. */
  removed: string[]
}

/** The address a removed node had (its known_hosts lines name it), from the previous state entry. */
function previousIp(previous: ClusterStateEntry | undefined, vmName: string): string | undefined {
  const node = Object.values(previous?.nodes ?? {}).find((n) => n.vm_name === vmName)
  return typeof node?.ip === 'string' ? node.ip : undefined
}

/** The first step of start: refuses (NODES_REMOVED) or, with --remove-nodes, removes the nodes the config dropped. No undo: removed is removed. */
export function removeNodesStep(i: RemoveNodesInput): Step {
  return {
    title: 'Nodes no longer in the config',
    run: async (ctx) => {
      const domains = await removedDomains(i.deps, i.spec)
      if (domains.length === 0) {
        ctx.setTitle('Nodes no longer in the config: none')
        return undefined
      }
      if (!i.allowed) throw nodesRemovedError(i.spec, domains.map((d) => d.name))
      const uri = i.deps.hypervisor.uri
      await i.beforeRemove?.(domains, ctx)
      for (const d of domains) {
        ctx.setOutput(`removing ${d.name}`)
        const node = nodeFor(i.spec.cluster, d)
        await i.vms.remove(d, (pool, volume) => i.volumes.deleteVolume(pool, volume))
        await i.deps.contributions.lifecycle('after-destroy', node, uri)
        await removeNodeHostKey({privateKeyPath: nodeHostKeyPath(i.spec.outputDir, i.spec.cluster.name, d.name)})
        await forgetHostKeys(i.spec.ssh.knownHostsFile, nodePatterns(d.name, previousIp(i.previous, d.name)))
        i.removed.push(d.name)
      }
      ctx.setTitle(`Removed ${domains.length} node(s) no longer in the config: ${i.removed.join(', ')}`)
      return undefined
    },
  }
}
