/**
 * The settings and the printed table of scripts/bench-resume.ts (kept apart so that unit tests
 * drive them without a libvirtd): how many pairs and running nodes, the per-command timeout, the
 * medians with their spread, the ratio, and the machine and its load.
 */
import os from 'node:os'

export interface BenchSettings {
  /** Alternating pairs (cold restart, resume). */
  pairs: number
  /** Running nodes: the controller plus nodes - 1 compute nodes (1: the compute node is only defined). */
  nodes: number
  /** Limit of each ai-how command, in seconds. */
  timeoutS: number
}

/** A whole-number setting from the environment, within [min, max]; unset or empty: the fallback. */
export function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}=${raw}: give a whole number from ${String(min)} to ${String(max)}`)
  return n
}

/** AI_HOW_BENCH_PAIRS (default 2), AI_HOW_BENCH_NODES (1-3, default 3), AI_HOW_BENCH_TIMEOUT_S (default 1200). */
export function benchSettings(env: NodeJS.ProcessEnv): BenchSettings {
  return {
    pairs: intSetting(env, 'AI_HOW_BENCH_PAIRS', 2, 1, 20),
    nodes: intSetting(env, 'AI_HOW_BENCH_NODES', 3, 1, 3),
    timeoutS: intSetting(env, 'AI_HOW_BENCH_TIMEOUT_S', 1200, 30, 7200),
  }
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
}

/** `12.3 s (10.1-14.0; runs 10.1, 14.0)`: the median, the spread (min-max) and every run. */
export function figure(xs: readonly number[]): string {
  if (xs.length === 0) return 'no run'
  const s1 = (x: number): string => x.toFixed(1)
  const runs = xs.map(s1).join(', ')
  if (xs.length === 1) return `${s1(xs[0] ?? 0)} s (one run)`
  return `${s1(median(xs))} s (${s1(Math.min(...xs))}-${s1(Math.max(...xs))}; runs ${runs})`
}

export interface MachineLoad {
  cpus: string
  memoryGiB: number
  /** 1-minute load average when the bench started and when it ended. */
  loadBefore: number
  loadAfter: number
}

export function machineNow(): {cpus: string; memoryGiB: number; load: number} {
  const cpus = os.cpus()
  return {cpus: `${String(cpus.length)} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}`, memoryGiB: os.totalmem() / 2 ** 30, load: os.loadavg()[0] ?? 0}
}

export interface BenchResult {
  settings: BenchSettings
  machine: MachineLoad
  firstStart: number
  cold: number[]
  resume: number[]
  stop: number[]
  suspend: number[]
}

/** The Markdown printed at the end: what ran where, then the table. */
export function report(r: BenchResult): string {
  const {pairs, nodes} = r.settings
  const ratio = median(r.cold) / Math.max(0.001, median(r.resume))
  const cluster = nodes === 1 ? '1 running node (controller; the compute node only defined)' : `${String(nodes)} running nodes (controller + ${String(nodes - 1)} compute)`
  return [
    `hpc cluster of ${cluster}, 1 vCPU and 1 GiB each, software-emulated guests (TCG, e2e harness), ${String(pairs)} alternating pair(s).`,
    `Machine: ${r.machine.cpus}, ${r.machine.memoryGiB.toFixed(1)} GiB; load average (1 min) ${r.machine.loadBefore.toFixed(1)} at the start, ${r.machine.loadAfter.toFixed(1)} at the end.`,
    '',
    '| restart until every node answers SSH | median (spread; runs) |',
    '|---|---|',
    `| \`start\` of a stopped cluster (cold boot) | ${figure(r.cold)} |`,
    `| \`start\` of a suspended cluster (restore) | ${figure(r.resume)} |`,
    `| ratio cold / resume (medians) | ${ratio.toFixed(1)}x |`,
    `| \`stop\` before the cold boot | ${figure(r.stop)} |`,
    `| \`stop --suspend\` before the restore | ${figure(r.suspend)} |`,
    `| first \`start\` (create the VMs, first boot) | ${r.firstStart.toFixed(1)} s |`,
  ].join('\n')
}
