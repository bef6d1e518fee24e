/** Builds kind-neutral cluster descriptions (what a kind's describe() answers) for tests. */
import type {ClusterDescription, NodeDescription, PassthroughDevice} from '@ai-how/core'

export interface NodeSpec {
  key: string
  /** [pci address, device type] pairs. */
  devices?: readonly (readonly [string, string])[]
  vmName?: string
}

export interface ClusterSpec {
  kind: string
  name: string
  libvirtUri?: string
  nodes: readonly NodeSpec[]
}

export function makeNode(spec: NodeSpec, cluster: {kind: string; name: string}, index: number): NodeDescription {
  const devices: PassthroughDevice[] = (spec.devices ?? []).map(([pciAddress, deviceType], d) => ({
    pciAddress,
    deviceType,
    path: ['clusters', cluster.kind, 'nodes', index, 'pcie_passthrough', 'devices', d],
  }))
  return {
    key: spec.key,
    vmName: spec.vmName ?? `${cluster.name}-${spec.key}`,
    role: 'compute',
    path: ['clusters', cluster.kind, 'nodes', index],
    ipPath: ['clusters', cluster.kind, 'nodes', index, 'ip'],
    cpuCores: 2,
    memoryGb: 4,
    diskGb: 20,
    devices,
    autoStart: true,
  }
}

export function makeCluster(spec: ClusterSpec): ClusterDescription {
  const cluster: ClusterDescription = {
    kind: spec.kind,
    name: spec.name,
    namePath: ['clusters', spec.kind, 'name'],
    network: {subnet: '192.168.100.0/24', bridge: 'virbr100', path: ['clusters', spec.kind, 'network'], subnetPath: ['clusters', spec.kind, 'network', 'subnet'], bridgePath: ['clusters', spec.kind, 'network', 'bridge_name']},
    nodes: spec.nodes.map((node, i) => makeNode(node, spec, i)),
  }
  if (spec.libvirtUri !== undefined) cluster.libvirtUri = spec.libvirtUri
  return cluster
}
