/**
 * The cluster's entry in state.json (`<kind>_cluster`), built from the live domains so that it says
 * what exists: one node entry per node of the config whose domain exists, with its libvirt UUID,
 * state, configured IP, MAC and resources.
 */
import type {ClusterStateEntry, NodeDescription, NodeState} from '@ai-how/core'
import type {DomainDetails} from '../hypervisor/types.js'
import {macForVm, networkName, poolName} from '../naming/index.js'
import {clusterKeyPath} from '../ssh/keypair.js'
import type {VmClusterSpec} from './types.js'

export interface EntryInput {
  spec: VmClusterSpec
  domains: ReadonlyMap<string, DomainDetails>
  previous: ClusterStateEntry | undefined
  status: string
  now: Date
  /** GPU summaries contributed by plugins, by node key (kept from the previous entry otherwise). */
  gpus?: ReadonlyMap<string, string>
  /** Kind-specific fields (inventory, deploy, ...). */
  extras?: Record<string, unknown>
}

export function nodeEntry(node: NodeDescription, domain: DomainDetails, previous: NodeState | undefined, gpu: string | undefined): NodeState {
  const entry: NodeState = {
    vm_name: node.vmName,
    vm_id: domain.uuid,
    mac: macForVm(node.vmName),
    role: node.role,
    state: domain.state,
    cpu_cores: node.cpuCores,
    memory_gb: node.memoryGb,
    disk_gb: node.diskGb,
    auto_start: node.autoStart,
  }
  if (node.ip !== undefined) entry.ip = node.ip
  const pci = node.devices.map((d) => d.pciAddress)
  const summary = gpu ?? previous?.gpu
  if (summary !== undefined) entry.gpu = summary
  else if (node.devices.some((d) => d.deviceType === 'gpu')) entry.gpu = node.devices.filter((d) => d.deviceType === 'gpu').map((d) => d.pciAddress).join(', ')
  if (pci.length > 0) entry.pci_devices = pci
  return entry
}

export function clusterEntry(input: EntryInput): ClusterStateEntry {
  const {spec, previous} = input
  const cluster = spec.cluster
  const nodes: Record<string, NodeState> = {}
  for (const node of cluster.nodes) {
    const domain = input.domains.get(node.vmName)
    if (domain !== undefined) nodes[node.key] = nodeEntry(node, domain, previous?.nodes[node.key], input.gpus?.get(node.key))
  }
  const now = input.now.toISOString()
  return {
    name: cluster.name,
    kind: cluster.kind,
    config_file: spec.configFile,
    status: input.status,
    libvirt_uri: cluster.libvirtUri ?? null,
    network: {name: networkName(cluster.name), subnet: cluster.network.subnet, bridge: cluster.network.bridge, gateway: cluster.network.gateway ?? null},
    pool: {name: poolName(cluster.name), path: spec.poolPath},
    ssh: {user: spec.ssh.user, private_key: spec.ssh.privateKeyPath ?? clusterKeyPath(spec.outputDir, cluster.name), known_hosts: spec.ssh.knownHostsFile},
    ...input.extras,
    nodes,
    created_at: typeof previous?.created_at === 'string' ? previous.created_at : now,
    updated_at: now,
  }
}
