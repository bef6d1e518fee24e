/** The human lines (stderr) after `hpc start` and `hpc stop`: the shared summary plus what Slurm and node removal did. */
import {startSummary, stopSummary} from '../kit/summaries.js'
import type {StartResult, StopResult} from '../vm/results.js'
import type {DrainReport} from '../slurm/drain.js'

const names = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [])

export function hpcStartSummary(r: StartResult): string {
  const lines = [startSummary(r)]
  const removed = names(r.removed)
  const resumed = names(r.resumed)
  if (removed.length > 0) lines.push(`  removed (no longer in the config): ${removed.join(', ')}`)
  if (resumed.length > 0) lines.push(`  Slurm: resumed ${resumed.join(', ')}`)
  return lines.join('\n')
}

export function hpcStopSummary(r: StopResult): string {
  const drain = (r as StopResult & {drain?: DrainReport | {not_run: string} | null}).drain
  const lines = [stopSummary(r)]
  if (drain === undefined || drain === null) return lines.join('\n')
  if ('not_run' in drain) lines.push(`  Slurm drain: not done (${drain.not_run})`)
  else if (!drain.reachable) lines.push(`  Slurm drain: not done, the controller did not answer (${drain.error ?? 'unreachable'})`)
  else lines.push(`  Slurm: drained ${drain.drained.join(', ') || 'no node'}${drain.busy.length > 0 ? `; still running jobs at --drain-timeout: ${drain.busy.join(', ')}` : ''}; the next hpc start resumes them`)
  return lines.join('\n')
}
