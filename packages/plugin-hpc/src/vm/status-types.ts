/** The shape of `<kind> status --json`: live facts about every node, the shared objects and drift. */

export interface NodeStatus {
  key: string
  name: string
  role: string
  /** Live libvirt state ('absent' when the domain does not exist). */
  state: string
  ip: {configured: string | null; live: string | null}
  vcpu: number
  memory_gb: number
  disk_gb: number
  gpu: string | null
  vm_id: string | null
  auto_start: boolean
  /** Shut off with its memory saved (`stop --suspend`): the next start restores it. */
  suspended: boolean
}

export interface ObjectStatus {
  name: string
  exists: boolean
  active: boolean
  /** True when it carries this cluster's ownership; false for a foreign object (or one not yet verifiable). */
  owned: boolean
}

export type DriftKind = 'missing' | 'foreign' | 'changed' | 'untracked' | 'inactive'

export interface DriftItem {
  object: string
  kind: DriftKind
  detail: string
}

export interface ClusterStatus {
  kind: string
  name: string
  config_file: string
  state_file: string
  /** From the live objects: running | stopped | suspended | partial | not_created. */
  status: string
  /** What the state file says (null: no entry). */
  recorded_status: string | null
  libvirt_uri: string
  network: ObjectStatus & {bridge: string | null; subnet: string}
  pool: ObjectStatus & {path: string | null}
  nodes: NodeStatus[]
  resources: {vcpu: number; memory_gb: number; disk_gb: number; gpus: number}
  drift: DriftItem[]
}
