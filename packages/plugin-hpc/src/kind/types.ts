/**
 * Typed views of the config sections that passed the schema (schema/*.ts is the source of truth;
 * keep both in step). Paths marked aiHowPath are absolute once core's loader has resolved them.
 */

export type DeviceType = 'gpu' | 'audio' | 'network' | 'storage' | 'other'

export interface PciDeviceConfig {
  pci_address: string
  device_type: DeviceType
  vendor_id?: string
  device_id?: string
  iommu_group?: number
}

export interface PciePassthroughConfig {
  enabled?: boolean
  devices?: PciDeviceConfig[]
}

export interface VirtioFsMountConfig {
  tag: string
  host_path: string
  mount_point: string
  owner?: string
  group?: string
  mode?: string
  options?: string
}

/** What every VM accepts. */
export interface NodeSpecConfig {
  cpu_cores: number
  memory_gb: number
  disk_gb: number
  auto_start?: boolean
  base_image_path?: string
  pcie_passthrough?: PciePassthroughConfig
  virtio_fs_mounts?: VirtioFsMountConfig[]
  kernel?: string
  initrd?: string
  cmdline?: string
}

/** Controller / control plane: a fixed IPv4 address. */
export interface FixedNodeConfig extends NodeSpecConfig {
  ip_address: string
}

/** A compute node or worker: IPv4 address or 'DHCP'. */
export interface ListNodeConfig extends NodeSpecConfig {
  ip: string
}

export interface NetworkConfig {
  subnet: string
  bridge: string
  gateway_ip?: string
  dhcp_start?: string
  dhcp_end?: string
  dns_servers?: string[]
}

export interface CpuTopologyConfig {
  sockets: number
  cores: number
  threads: number
}

export interface PerformanceConfig {
  enable_hugepages?: boolean
  hugepage_size?: '2M' | '1G'
  cpu_pinning?: boolean
  memory_backing?: 'default' | 'hugepages' | 'memfd'
}

export interface AccelerationConfig {
  enable_kvm?: boolean
  enable_nested?: boolean
  cpu_model?: 'host-passthrough' | 'host-model' | 'custom'
  cpu_model_name?: string
  cpu_features?: string[]
  cpu_topology?: CpuTopologyConfig
  performance?: PerformanceConfig
}

export interface HardwareConfig {
  acceleration?: AccelerationConfig
}

export interface SshConfig {
  user?: string
  private_key_path?: string
}

/** Fields every VM cluster kind shares. */
export interface ClusterCommonConfig {
  name: string
  base_image_path: string
  network: NetworkConfig
  hardware?: HardwareConfig
  ssh?: SshConfig
  libvirt_uri?: string
}

export interface SlurmConfig {
  partitions: string[]
  default_partition: string
  max_job_time?: string
}

export interface BeegfsConfig {
  enabled: boolean
  mount_point: string
  management_node?: string
  metadata_nodes?: string[]
  storage_nodes?: string[]
  client_config?: {mount_options?: string; auto_mount?: boolean}
}

export interface StorageConfig {
  beegfs?: BeegfsConfig
  virtio_fs?: {enabled: boolean}
}

export interface DeployConfig {
  playbook?: string
  extra_vars?: Record<string, unknown>
}

/** `clusters.hpc` */
export interface HpcClusterConfig extends ClusterCommonConfig {
  controller: FixedNodeConfig
  compute_nodes: ListNodeConfig[]
  slurm_config: SlurmConfig
  storage?: StorageConfig
  deploy?: DeployConfig
}
