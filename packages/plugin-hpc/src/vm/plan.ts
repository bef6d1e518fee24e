/**
 * `ai-how plan` for any VM cluster kind: what `start` would create, keep or change, read from the
 * live libvirt objects (in a bounded number of virsh calls) and rendered with the same builders
 * `start` uses. Nothing is created or changed.
 */
import path from 'node:path'
import type {PlanItem, PlanReport} from '@ai-how/core'
import {sameOwner} from '../hypervisor/ownership.js'
import type {NetworkSummary, PoolSummary} from '../hypervisor/types.js'
import {macForVm, poolName, seedVolumeName, vmVolumeName} from '../naming/index.js'
import {buildNetworkView} from '../render/network-view.js'
import {buildPoolView} from '../render/storage-view.js'
import {baseVolumeFor, nodeImage} from './images.js'
import {clusterOwner, planNodes, readLive} from './live.js'
import {diffHosts, readNetworkXml} from './network-xml.js'
import {domainViewOptions, networkViewOptions} from './render-options.js'
import type {ClusterManagerDeps, VmClusterSpec} from './types.js'
import {VmManager} from './vm-manager.js'

type Owned = Pick<NetworkSummary | PoolSummary, 'owner'> | undefined

function ownership(object: Owned, spec: VmClusterSpec): {action: 'keep' | 'conflict'; reason: string} {
  if (sameOwner(object?.owner, clusterOwner(spec.cluster))) return {action: 'keep', reason: 'ai-how\'s, of this cluster'}
  const owner = object?.owner
  return {action: 'conflict', reason: owner ? `belongs to the ${owner.kind} cluster ${owner.cluster}: start refuses it` : 'exists, not created by ai-how: start refuses it'}
}

async function networkItem(spec: VmClusterSpec, deps: ClusterManagerDeps, showXml: boolean, live: NetworkSummary | undefined): Promise<PlanItem> {
  const view = buildNetworkView(spec.cluster, networkViewOptions(spec))
  const details = {bridge: view.bridge, gateway: view.gateway, dhcp: view.hosts.map((h) => `${h.name}=${h.ip}`)}
  const item: PlanItem = {object: 'network', name: view.name, action: 'create', reason: 'absent', details}
  if (showXml) item.xml = deps.renderer.network(view)
  if (live === undefined) return item
  const owned = ownership(live, spec)
  if (owned.action === 'conflict') return {...item, ...owned}
  const diff = diffHosts(readNetworkXml(await deps.hypervisor.networkXml(view.name)).hosts, view.hosts)
  if (diff.add.length === 0 && diff.remove.length === 0) return {...item, ...owned}
  const changes = [...diff.remove.map((h) => `-${h.name}=${h.ip}`), ...diff.add.map((h) => `+${h.name}=${h.ip}`)]
  return {...item, action: 'change', reason: `DHCP reservations differ: ${changes.join(' ')}`}
}

export async function planCluster(spec: VmClusterSpec, deps: ClusterManagerDeps, showXml: boolean): Promise<PlanReport> {
  const hv = deps.hypervisor
  const cluster = spec.cluster
  const live = await readLive(hv, cluster)
  const items: PlanItem[] = [await networkItem(spec, deps, showXml, live.network)]
  const pool = poolName(cluster.name)
  const poolItem: PlanItem = {object: 'pool', name: pool, action: 'create', reason: 'absent', details: {path: spec.poolPath}}
  if (showXml) poolItem.xml = deps.renderer.pool(buildPoolView({name: pool, path: spec.poolPath}))
  items.push(live.pool === undefined ? poolItem : {...poolItem, ...ownership(live.pool, spec)})
  const volumes = new Set(live.pool?.active ? (await hv.listVolumes(pool)).map((v) => v.name) : [])
  const volumeItem = (name: string, details: Record<string, unknown>): PlanItem =>
    volumes.has(name) ? {object: 'volume', name, action: 'keep', reason: 'exists in the pool', details} : {object: 'volume', name, action: 'create', reason: 'absent', details}
  for (const image of new Set(cluster.nodes.map((n) => nodeImage(n, spec.baseImagePath)))) {
    items.push(volumeItem(baseVolumeFor(cluster.name, spec.baseImagePath, image), {source: image}))
  }
  const vms = new VmManager(hv, deps.renderer, deps.contributions, deps.log)
  // A domain of a node's name that is not this cluster's is a conflict to show (start refuses it), not an error.
  const foreign = new Map([...live.domains].filter(([, d]) => !sameOwner(d.owner, clusterOwner(cluster))))
  const ours = new Map([...live.domains].filter(([name]) => !foreign.has(name)))
  const nodes = planNodes(cluster, ours)
  // A VM suspended by `stop --suspend` is not booted by start: its saved memory is restored (the live view says which).
  const saved = live.managedSaved
  for (const p of nodes) {
    const {node} = p
    const disk = vmVolumeName(node.vmName)
    const seed = seedVolumeName(node.vmName)
    const details: Record<string, unknown> = {
      role: node.role, ip: node.ip ?? 'DHCP', mac: macForVm(node.vmName), vcpu: node.cpuCores, memory_gb: node.memoryGb, disk_gb: node.diskGb,
      devices: node.devices.map((d) => `${d.pciAddress}(${d.deviceType})`), auto_start: node.autoStart,
    }
    const stranger = foreign.get(node.vmName)
    if (stranger !== undefined) {
      items.push({object: 'domain', name: node.vmName, ...ownership(stranger, spec), details, ...(showXml ? {xml: stranger.xml} : {})})
      continue
    }
    if (p.action === 'create') {
      items.push(volumeItem(disk, {backing: baseVolumeFor(cluster.name, spec.baseImagePath, nodeImage(node, spec.baseImagePath)), capacity_gb: node.diskGb}), volumeItem(seed, {}))
    }
    const state = p.domain?.state ?? '?'
    const boot = saved.has(node.vmName) ? `exists, ${state}, its memory saved by stop --suspend: start restores the saved memory (no boot)` : `exists, ${state}: start boots it`
    const reason = p.action === 'create' ? 'absent' : p.action === 'boot' ? boot : `exists, ${state}`
    const item: PlanItem = {object: 'domain', name: node.vmName, action: p.action === 'boot' ? 'change' : p.action, reason, details}
    if (showXml && p.domain) item.xml = p.domain.xml
    if (showXml && !p.domain) {
      const rendered = await vms.render(cluster, node, domainViewOptions(spec, node, {disk: path.posix.join(spec.poolPath, disk), seed: path.posix.join(spec.poolPath, seed)}))
      item.xml = rendered.xml
    }
    items.push(item)
  }
  return {kind: cluster.kind, cluster: cluster.name, libvirtUri: hv.uri, items}
}
