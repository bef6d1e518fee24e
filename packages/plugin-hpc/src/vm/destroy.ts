/**
 * `destroy` of a VM cluster by ownership alone (the state file may be lost or stale): every domain,
 * pool and network whose ai-how metadata names this cluster and kind is removed; nothing else is
 * touched, whatever its name. Running VMs are powered off at once: no graceful wait for a VM that is
 * about to be deleted.
 */
import type {ClusterDescription, NodeDescription, Step} from '@ai-how/core'
import type {DomainDetails, Hypervisor, OwnedObjects, PoolSummary} from '../hypervisor/types.js'
import {poolMarkerName} from '../hypervisor/ownership.js'
import {poolName} from '../naming/index.js'
import type {NetworkManager} from './network-manager.js'
import {isActiveState} from './power.js'
import type {ClusterManagerDeps} from './types.js'
import type {VmManager} from './vm-manager.js'
import type {VolumeManager} from './volume-manager.js'

export interface DestroyReport {
  domains: string[]
  pools: string[]
  networks: string[]
  /** VMs that were running and were powered off. */
  forced: string[]
}

/** ai-how's objects of this cluster; an inactive pool of the cluster's name is started to read its owner marker. */
export async function findOwned(hv: Hypervisor, cluster: ClusterDescription): Promise<OwnedObjects> {
  const owned = await hv.listOwned(cluster.name, cluster.kind)
  const marker = poolMarkerName({cluster: cluster.name, kind: cluster.kind})
  const pools: PoolSummary[] = [...owned.pools]
  for (const pool of owned.unverifiedPools.filter((p) => p.name === poolName(cluster.name))) {
    await hv.startPool(pool.name)
    if ((await hv.listVolumes(pool.name)).some((v) => v.name === marker)) pools.push({...pool, active: true})
    else await hv.destroyPool(pool.name)
  }
  return {...owned, pools, unverifiedPools: []}
}

/** The config's node for a domain, or a minimal description built from its metadata (a node no longer in the config). */
export function nodeFor(cluster: ClusterDescription, domain: DomainDetails): NodeDescription {
  const known = cluster.nodes.find((n) => n.vmName === domain.name)
  if (known) return known
  const key = domain.owner?.node !== undefined && domain.owner.node !== '' ? domain.owner.node : domain.name
  return {key, vmName: domain.name, role: domain.owner?.role ?? '', path: [], ipPath: [], cpuCores: 0, memoryGb: 0, diskGb: 0, devices: [], autoStart: false}
}

export interface DestroyTools {
  deps: ClusterManagerDeps
  vms: VmManager
  volumes: VolumeManager
  network: NetworkManager
}

export function destroySteps(tools: DestroyTools, cluster: ClusterDescription, owned: OwnedObjects, report: DestroyReport): Step[] {
  const {deps, vms, volumes, network} = tools
  const uri = deps.hypervisor.uri
  const active = owned.domains.filter((d) => isActiveState(d.state))
  const none = (what: string): string | false => (what === '' ? 'nothing of this cluster' : false)
  return [
    {
      title: `Power off ${active.length} running VM(s)`,
      skip: active.length === 0 ? 'no VM runs' : false,
      run: async (ctx) => {
        await Promise.all(
          active.map(async (d) => {
            ctx.setOutput(`powering off ${d.name}`)
            await vms.powerOff(d.name)
            report.forced.push(d.name)
          }),
        )
        for (const d of active) await deps.contributions.lifecycle('after-stop', nodeFor(cluster, d), uri)
        return undefined
      },
    },
    {
      title: `Remove ${owned.domains.length} domain(s) and their volumes`,
      skip: none(owned.domains.map((d) => d.name).join()),
      concurrency: 4,
      steps: owned.domains.map((d): Step => ({
        title: d.name,
        run: async () => {
          await vms.remove(d, (pool, volume) => volumes.deleteVolume(pool, volume))
          await deps.contributions.lifecycle('after-destroy', nodeFor(cluster, d), uri)
          report.domains.push(d.name)
          return undefined
        },
      })),
    },
    {
      title: `Remove ${owned.pools.length} pool(s)`,
      skip: none(owned.pools.map((p) => p.name).join()),
      steps: owned.pools.map((p): Step => ({
        title: `${p.name} (${p.path ?? '?'})`,
        run: async () => {
          await volumes.removePool(p.name, 'all')
          report.pools.push(p.name)
          return undefined
        },
      })),
    },
    {
      title: `Remove ${owned.networks.length} network(s)`,
      skip: none(owned.networks.map((n) => n.name).join()),
      steps: owned.networks.map((n): Step => ({
        title: n.name,
        run: async () => {
          await network.remove(n.name)
          report.networks.push(n.name)
          return undefined
        },
      })),
    },
  ]
}
