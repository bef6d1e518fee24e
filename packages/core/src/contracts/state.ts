/** The shape of `output/state.json`: one entry per cluster kind plus the GPU ledger. */

export interface GpuAllocation {
  cluster: string
  /** Config key of the cluster kind holding it (hpc, cloud, ...). */
  kind: string
  node: string
  vm_name: string
  since: string
  /** libvirt URI of the holder's VM (where to ask whether it still runs). */
  libvirt_uri?: string
  /** PID of the ai-how process starting the holder's VM; removed once the VM runs (after-start). */
  starting_pid?: number
}

export interface NodeState {
  vm_name: string
  vm_id?: string
  ip?: string
  mac?: string
  role: string
  state: string
  gpu?: string
  pci_devices?: string[]
  [key: string]: unknown
}

export interface ClusterStateEntry {
  name: string
  config_file: string
  status: string
  nodes: Record<string, NodeState>
  [key: string]: unknown
}

export interface StateDocument {
  version: 1
  gpu_allocations: Record<string, GpuAllocation>
  /** `<kind>_cluster` entries (hpc_cluster, cloud_cluster, ...). */
  [stateKey: string]: unknown
}
