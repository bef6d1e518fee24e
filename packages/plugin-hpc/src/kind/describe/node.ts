/** The kind-neutral view of one VM (NodeDescription) built from its config entry. */
import path from 'node:path'
import type {LoadedConfig, NodeDescription, PassthroughDevice, YamlPath} from '@ai-how/core'
import {vmName} from '../../naming/names.js'
import type {ClusterCommonConfig, NodeSpecConfig} from '../types.js'

/** The passthrough devices of a node: none unless pcie_passthrough.enabled is true. */
export function describeDevices(node: NodeSpecConfig, nodePath: YamlPath): PassthroughDevice[] {
  const passthrough = node.pcie_passthrough
  if (passthrough?.enabled !== true) return []
  return (passthrough.devices ?? []).map((device, i) => {
    const described: PassthroughDevice = {
      pciAddress: device.pci_address.toLowerCase(),
      deviceType: device.device_type,
      path: [...nodePath, 'pcie_passthrough', 'devices', i],
    }
    if (device.vendor_id !== undefined) described.vendorId = device.vendor_id.toLowerCase()
    if (device.device_id !== undefined) described.deviceId = device.device_id.toLowerCase()
    return described
  })
}

/** The reference rule: a node is a GPU node iff passthrough is enabled and lists a device of type gpu. */
export function isGpuNode(node: NodeSpecConfig): boolean {
  return node.pcie_passthrough?.enabled === true && (node.pcie_passthrough.devices ?? []).some((d) => d.device_type === 'gpu')
}

export interface NodeInput {
  /** Node key in the state entry, e.g. 'compute-01'; the VM is `<cluster name>-<key>`. */
  key: string
  role: string
  node: NodeSpecConfig
  /** The configured address ('DHCP' means none). */
  ip: string
  path: YamlPath
  /** Name of the IP field in the node entry: 'ip_address' (single nodes) or 'ip' (list items). */
  ipField: 'ip' | 'ip_address'
}

export type NodeDescriber = (input: NodeInput) => NodeDescription

/** Returns a function that describes the nodes of one cluster (shared topology, image default, folder). */
export function nodeDescriber(cluster: ClusterCommonConfig, clusterPath: YamlPath, loaded: Pick<LoadedConfig, 'dir'>): NodeDescriber {
  const topology = cluster.hardware?.acceleration?.cpu_topology
  const topologyPath = [...clusterPath, 'hardware', 'acceleration', 'cpu_topology']
  return ({key, role, node, ip, path: nodePath, ipField}) => {
    const described: NodeDescription = {
      key,
      vmName: vmName(cluster.name, key),
      role,
      path: nodePath,
      ipPath: [...nodePath, ipField],
      cpuCores: node.cpu_cores,
      memoryGb: node.memory_gb,
      diskGb: node.disk_gb,
      devices: describeDevices(node, nodePath),
      autoStart: node.auto_start ?? true,
      baseImagePath: path.resolve(loaded.dir, node.base_image_path ?? cluster.base_image_path),
    }
    if (ip !== 'DHCP') described.ip = ip
    if (node.kernel !== undefined) described.kernelPath = path.resolve(loaded.dir, node.kernel)
    if (node.initrd !== undefined) described.initrdPath = path.resolve(loaded.dir, node.initrd)
    if (topology) {
      described.cpuTopology = {sockets: topology.sockets, cores: topology.cores, threads: topology.threads}
      described.cpuTopologyPath = topologyPath
    }
    return described
  }
}
