/**
 * Whether ai-how manages Slurm on a cluster: its last deploy ran the playbook shipped with
 * plugin-hpc (`deploy.builtin`) and succeeded. A config's own playbook may set up anything, so
 * ai-how leaves Slurm alone there (no drain on stop, no resume on start).
 */
import type {ClusterStateEntry} from '@ai-how/core'

export function slurmManaged(entry: ClusterStateEntry | undefined): boolean {
  const deploy = entry?.deploy
  if (typeof deploy !== 'object' || deploy === null) return false
  const d = deploy as {builtin?: unknown; ok?: unknown}
  return d.builtin === true && d.ok === true
}

/** The `slurm` field of the state entry: the nodes `hpc stop` drained, which the next start resumes. */
export interface SlurmEntry {
  drained: string[]
  [fact: string]: unknown
}

export function slurmEntry(value: unknown): SlurmEntry {
  if (typeof value !== 'object' || value === null) return {drained: []}
  const s = value as {drained?: unknown}
  return {...(value as Record<string, unknown>), drained: Array.isArray(s.drained) ? s.drained.filter((n): n is string => typeof n === 'string') : []}
}
