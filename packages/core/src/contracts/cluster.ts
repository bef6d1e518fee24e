/**
 * What a cluster kind tells core about its config section, in a kind-neutral shape. Core runs the
 * semantic checks (IPs, subnets, bridges, GPUs, cpu topology) and `plan` on this description, so it
 * never needs to know the field names of `hpc`, `cloud` or a third-party kind.
 */
import type {YamlPath} from './config.js'

export interface PassthroughDevice {
  /** Canonical lower-case PCI address, e.g. 0000:01:00.0 */
  pciAddress: string
  /** gpu | audio | network | storage | other */
  deviceType: string
  vendorId?: string
  deviceId?: string
  path: YamlPath
}

export interface CpuTopology {
  sockets: number
  cores: number
  threads: number
}

export interface NodeDescription {
  /** Key of the node inside the state entry, e.g. 'controller', 'compute-01', 'gpu-worker-01'. */
  key: string
  /** libvirt domain name, e.g. mycluster-compute-01 */
  vmName: string
  /** Role, e.g. 'controller', 'compute', 'kubernetes-control-plane', 'kubernetes-worker'. */
  role: string
  /** Configured IPv4 address, or undefined for DHCP. */
  ip?: string
  /** Path of the node's item in the YAML (for error positions). */
  path: YamlPath
  /** Path of the node's IP field. */
  ipPath: YamlPath
  cpuCores: number
  memoryGb: number
  diskGb: number
  cpuTopology?: CpuTopology
  cpuTopologyPath?: YamlPath
  /** Devices passed through (only when pcie_passthrough is enabled). */
  devices: PassthroughDevice[]
  autoStart: boolean
  /** Absolute path of the base image this node boots from. */
  baseImagePath?: string
  /** Direct kernel boot: absolute paths of the kernel and initrd (read by the libvirt host). */
  kernelPath?: string
  initrdPath?: string
}

export interface NetworkDescription {
  /** CIDR, e.g. 192.168.100.0/24 */
  subnet: string
  bridge: string
  gateway?: string
  path: YamlPath
  subnetPath: YamlPath
  bridgePath: YamlPath
}

export interface ClusterDescription {
  /** The config key under `clusters:` (hpc, cloud, ...). */
  kind: string
  /** The cluster's `name:`; prefix of every libvirt object. */
  name: string
  namePath: YamlPath
  network: NetworkDescription
  nodes: NodeDescription[]
  /** libvirt URI for this cluster (cluster, then global, then LIBVIRT_DEFAULT_URI, then qemu:///system). */
  libvirtUri?: string
  /** False when the cluster runs its VMs under software emulation (hardware.acceleration.enable_kvm: false). */
  enableKvm?: boolean
}
