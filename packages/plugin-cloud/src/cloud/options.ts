/** What the cloud commands' flags choose, with their defaults. */
import type {GuestRunner} from './guest.js'
import type {CloudClusterConfig} from '../kind/types.js'

export const DEFAULT_DRAIN_TIMEOUT_S = 120
export const DEFAULT_HEALTH_TIMEOUT_S = 300

export interface CloudOptions {
  section: CloudClusterConfig
  skipDeploy: boolean
  skipDrain: boolean
  drainTimeoutMs: number
  healthTimeoutMs: number
  /** Runs commands on the VMs (default: SSH with the cluster key). */
  guest?: GuestRunner
}

/** The `kubernetes` field of the state entry. */
export interface KubernetesEntry {
  kubeconfig: string | null
  /** null: not known now (stopped, or never checked). */
  healthy: boolean | null
  checked_at: string | null
  /** Nodes that `cloud stop` cordoned; the next start uncordons them. */
  cordoned: string[]
  [fact: string]: unknown
}

export function kubernetesEntry(value: unknown): KubernetesEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const k = value as Partial<KubernetesEntry>
  return {...k, kubeconfig: k.kubeconfig ?? null, healthy: k.healthy ?? null, checked_at: k.checked_at ?? null, cordoned: Array.isArray(k.cordoned) ? k.cordoned.filter((n): n is string => typeof n === 'string') : []}
}
