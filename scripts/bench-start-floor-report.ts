/**
 * The settings and the printed Markdown of scripts/bench-start-floor.ts (kept apart so that unit
 * tests drive them without a libvirtd): kinds, nodes, pairs and per-command timeout; the floor
 * (a: SSH accepts the key, b: cloud-init done) against `start --skip-deploy`, medians with their
 * spread, the ratios against the goal, and the median of each phase of ai-how's own timings.
 */
import {figure, median} from './bench-resume-report.js'
import type {MachineLoad} from './bench-resume-report.js'

export type Kind = 'hpc' | 'cloud'

export interface FloorSettings {
  kinds: Kind[]
  /** Running nodes (1-3). */
  nodes: number
  /** Alternating pairs (floor, ai-how), at least 1. */
  pairs: number
  /** Limit of each ai-how command and of each floor boot, in seconds. */
  timeoutS: number
}

/** The goal of the issue: ai-how cold start within 1.05x of floor (b). */
export const GOAL = 1.05

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}=${raw}: give a whole number from ${String(min)} to ${String(max)}`)
  return n
}

/** AI_HOW_BENCH_KINDS (hpc,cloud; default hpc), AI_HOW_BENCH_NODES (1-3, default 1), AI_HOW_BENCH_PAIRS (default 3), AI_HOW_BENCH_TIMEOUT_S (default 1200). */
export function floorSettings(env: NodeJS.ProcessEnv): FloorSettings {
  const kinds = (env.AI_HOW_BENCH_KINDS ?? 'hpc').split(',').map((k) => k.trim()).filter((k) => k !== '')
  const bad = kinds.filter((k) => k !== 'hpc' && k !== 'cloud')
  if (kinds.length === 0 || bad.length > 0) throw new Error(`AI_HOW_BENCH_KINDS=${env.AI_HOW_BENCH_KINDS ?? ''}: give hpc, cloud or hpc,cloud`)
  return {
    kinds: [...new Set(kinds)] as Kind[],
    nodes: intSetting(env, 'AI_HOW_BENCH_NODES', 1, 1, 3),
    pairs: intSetting(env, 'AI_HOW_BENCH_PAIRS', 3, 1, 20),
    timeoutS: intSetting(env, 'AI_HOW_BENCH_TIMEOUT_S', 1200, 30, 7200),
  }
}

/** floor, ai-how, ai-how, floor, floor, ai-how...: neither side always runs first (the machine drifts). */
export function runOrder(pairs: number): ('floor' | 'ai-how')[] {
  return Array.from({length: pairs}, (_, i) => (i % 2 === 0 ? ['floor', 'ai-how'] as const : ['ai-how', 'floor'] as const)).flat()
}

export interface FloorRun {
  /** Seconds from the first `virsh create` until the slowest node accepted SSH (a) and finished cloud-init (b). */
  ssh: number
  cloudInit: number
}

/** One `start --skip-deploy`: its wall seconds and the `timings` of its --json. */
export interface AiHowRun {
  seconds: number
  timings: Record<string, unknown>
}

export interface KindResult {
  kind: Kind
  floor: FloorRun[]
  aiHow: AiHowRun[]
}

export interface FloorResult {
  settings: FloorSettings
  machine: MachineLoad
  kinds: KindResult[]
}

const PHASE_KEYS = ['prepare_s', 'shared_s', 'nodes_s', 'ssh_wait_s', 'boot_to_ssh_s', 'ssh_to_cloud_init_s', 'finish_s', 'total_s'] as const

/** The median of one phase over the runs (runs where it was null are left out). */
export function phaseMedian(runs: readonly AiHowRun[], key: string): number | null {
  const xs = runs.map((r) => r.timings[key]).filter((v): v is number => typeof v === 'number')
  return xs.length === 0 ? null : median(xs)
}

function ratioCell(ratio: number, goal: number | undefined): string {
  const text = `${ratio.toFixed(2)}x`
  if (goal === undefined) return text
  return `${text} (goal ${goal.toFixed(2)}x: ${ratio <= goal ? 'met' : 'MISSED'})`
}

function kindTable(k: KindResult, nodes: number): string[] {
  const a = median(k.aiHow.map((r) => r.seconds))
  const fa = median(k.floor.map((r) => r.ssh))
  const fb = median(k.floor.map((r) => r.cloudInit))
  const phases = PHASE_KEYS.map((p) => {
    const m = phaseMedian(k.aiHow, p)
    return `${p.replace(/_s$/, '')} ${m === null ? '-' : m.toFixed(1)}`
  })
  return [
    `### ${k.kind}, ${String(nodes)} node(s), cold`,
    '',
    '| until every node is ready | median (spread; runs) |',
    '|---|---|',
    `| floor (a): \`virsh create\` until SSH accepts the key | ${figure(k.floor.map((r) => r.ssh))} |`,
    `| floor (b): \`virsh create\` until \`cloud-init status --wait\` returns | ${figure(k.floor.map((r) => r.cloudInit))} |`,
    `| ai-how: \`${k.kind} start --skip-deploy\`, nothing exists (base import included) | ${figure(k.aiHow.map((r) => r.seconds))} |`,
    `| ratio ai-how / floor (b) | ${ratioCell(a / Math.max(0.001, fb), GOAL)} |`,
    `| ratio ai-how / floor (a) | ${ratioCell(a / Math.max(0.001, fa), undefined)} |`,
    '',
    `ai-how's own timings (median per phase, s): ${phases.join(', ')}.`,
  ]
}

/** The Markdown printed at the end: what ran where, then one table per kind. */
export function floorReport(r: FloorResult): string {
  const {pairs, nodes} = r.settings
  return [
    `${String(nodes)} running node(s), 1 vCPU and 1 GiB each, software-emulated guests (TCG, direct kernel boot, e2e harness), ${String(pairs)} alternating pair(s) per kind.`,
    `Machine: ${r.machine.cpus}, ${r.machine.memoryGiB.toFixed(1)} GiB; load average (1 min) ${r.machine.loadBefore.toFixed(1)} at the start, ${r.machine.loadAfter.toFixed(1)} at the end.`,
    '',
    ...r.kinds.flatMap((k) => [...kindTable(k, nodes), '']),
  ].join('\n').trimEnd()
}
