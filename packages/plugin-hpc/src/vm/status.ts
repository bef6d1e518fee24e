/**
 * `status`: read-only (nothing is written, nothing is created). Reads the cluster's network, pool,
 * domains and managed saves in one virsh batch, then the live addresses of the running ones: two
 * virsh processes at most whatever the number of nodes (one when none runs).
 */
import type {ClusterStateEntry} from '@ai-how/core'
import {sameOwner} from '../hypervisor/ownership.js'
import type {DomainAddress, Hypervisor} from '../hypervisor/types.js'
import {macForVm, networkName, poolName} from '../naming/index.js'
import {findDrift} from './drift.js'
import {clusterOwner, readLive} from './live.js'
import {isActiveState} from './power.js'
import type {ClusterStatus, NodeStatus} from './status-types.js'
import type {VmClusterSpec} from './types.js'

function overall(nodes: readonly NodeStatus[]): string {
  if (nodes.every((n) => n.state === 'absent')) return 'not_created'
  const wanted = nodes.filter((n) => n.auto_start)
  if (wanted.length > 0 && wanted.every((n) => n.state === 'running')) return 'running'
  if (nodes.every((n) => n.state === 'shutoff' || n.state === 'absent') && nodes.some((n) => n.suspended)) return 'suspended'
  if (nodes.every((n) => n.state === 'shutoff')) return 'stopped'
  return 'partial'
}

export async function clusterStatus(hv: Hypervisor, spec: VmClusterSpec, entry: ClusterStateEntry | undefined): Promise<ClusterStatus> {
  const cluster = spec.cluster
  const owner = clusterOwner(cluster)
  const live = await readLive(hv, cluster)
  const running = cluster.nodes.filter((n) => {
    const d = live.domains.get(n.vmName)
    return d !== undefined && sameOwner(d.owner, owner) && isActiveState(d.state)
  })
  const ours = cluster.nodes.filter((n) => sameOwner(live.domains.get(n.vmName)?.owner, owner) && live.domains.get(n.vmName)?.state === 'shutoff').map((n) => n.vmName)
  const saved = new Set(ours.filter((name) => live.managedSaved.has(name)))
  const addresses = running.length === 0 ? new Map<string, DomainAddress>() : await hv.domainAddresses(running.map((n) => ({domain: n.vmName, mac: macForVm(n.vmName), network: networkName(cluster.name)})))
  const liveIps = new Map([...addresses].map(([name, a]) => [name, a.ip]))
  const nodes: NodeStatus[] = cluster.nodes.map((node) => {
    const domain = live.domains.get(node.vmName)
    const recorded = entry?.nodes[node.key]
    const gpus = node.devices.filter((d) => d.deviceType === 'gpu').map((d) => d.pciAddress)
    const gpu = typeof recorded?.gpu === 'string' ? recorded.gpu : gpus.length > 0 ? gpus.join(', ') : null
    return {
      key: node.key,
      name: node.vmName,
      role: node.role,
      state: domain?.state ?? 'absent',
      ip: {configured: node.ip ?? null, live: liveIps.get(node.vmName) ?? null},
      vcpu: node.cpuCores,
      memory_gb: node.memoryGb,
      disk_gb: node.diskGb,
      gpu,
      vm_id: domain?.uuid ?? null,
      auto_start: node.autoStart,
      suspended: saved.has(node.vmName),
    }
  })
  return {
    kind: cluster.kind,
    name: cluster.name,
    config_file: spec.configFile,
    state_file: spec.statePath,
    status: overall(nodes),
    recorded_status: entry?.status ?? null,
    libvirt_uri: hv.uri,
    network: {
      name: networkName(cluster.name),
      exists: live.network !== undefined,
      active: live.network?.active ?? false,
      owned: sameOwner(live.network?.owner, owner),
      bridge: live.network?.bridge ?? null,
      subnet: cluster.network.subnet,
    },
    pool: {name: poolName(cluster.name), exists: live.pool !== undefined, active: live.pool?.active ?? false, owned: sameOwner(live.pool?.owner, owner), path: live.pool?.path ?? null},
    nodes,
    resources: {
      vcpu: nodes.reduce((s, n) => s + n.vcpu, 0),
      memory_gb: nodes.reduce((s, n) => s + n.memory_gb, 0),
      disk_gb: nodes.reduce((s, n) => s + n.disk_gb, 0),
      gpus: cluster.nodes.reduce((s, n) => s + n.devices.filter((d) => d.deviceType === 'gpu').length, 0),
    },
    drift: findDrift({cluster, entry, network: live.network, pool: live.pool, domains: live.domains, liveIps}),
  }
}
