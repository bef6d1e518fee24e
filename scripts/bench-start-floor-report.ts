/**
 * The settings and the printed Markdown of scripts/bench-start-floor.ts (kept apart so that unit
 * tests drive them without a libvirtd): kinds, nodes, pairs and per-command timeout; the floor
 * (a: SSH accepts the key, b: cloud-init done) against `start --skip-deploy`, medians with their
 * spread, the ratios against the goal, and the median of each phase of ai-how's own timings.
 */
import {figure, intSetting, median} from './bench-resume-report.js'
import type {MachineLoad} from './bench-resume-report.js'

export type Kind = 'hpc' | 'cloud'

/**
 * What an ai-how run times, after its cold start: cold (nothing exists), warm (the running nodes'
 * domains and disks removed by hand, the network, pool and base volume kept: new domains on a warm
 * pool), boot (the cluster stopped with ai-how, then started: a boot of existing domains).
 */
export type Mode = 'cold' | 'warm' | 'boot'
export const MODES: readonly Mode[] = ['cold', 'warm', 'boot']

export interface FloorSettings {
  kinds: Kind[]
  /** Always 'cold' first; warm and boot follow in the same ai-how run. */
  modes: Mode[]
  /** Running nodes (1-3). */
  nodes: number
  /** Alternating pairs (floor, ai-how), at least 1. */
  pairs: number
  /** Limit of each ai-how command and of each floor boot, in seconds. */
  timeoutS: number
}

/** The goal of the issue: ai-how cold start within 1.05x of floor (b). */
export const GOAL = 1.05

/** AI_HOW_BENCH_KINDS (hpc,cloud; default hpc), AI_HOW_BENCH_MODES (cold,warm,boot; default cold), AI_HOW_BENCH_NODES (1-3, default 1), AI_HOW_BENCH_PAIRS (default 3), AI_HOW_BENCH_TIMEOUT_S (default 1200). */
export function floorSettings(env: NodeJS.ProcessEnv): FloorSettings {
  const kinds = (env.AI_HOW_BENCH_KINDS ?? 'hpc').split(',').map((k) => k.trim()).filter((k) => k !== '')
  const bad = kinds.filter((k) => k !== 'hpc' && k !== 'cloud')
  if (kinds.length === 0 || bad.length > 0) throw new Error(`AI_HOW_BENCH_KINDS=${env.AI_HOW_BENCH_KINDS ?? ''}: give hpc, cloud or hpc,cloud`)
  const modes = (env.AI_HOW_BENCH_MODES ?? 'cold').split(',').map((m) => m.trim()).filter((m) => m !== '')
  const badModes = modes.filter((m) => !(MODES as readonly string[]).includes(m))
  if (modes.length === 0 || badModes.length > 0) throw new Error(`AI_HOW_BENCH_MODES=${env.AI_HOW_BENCH_MODES ?? ''}: give cold, warm and/or boot, e.g. cold,warm,boot`)
  return {
    kinds: [...new Set(kinds)] as Kind[],
    modes: MODES.filter((m) => m === 'cold' || modes.includes(m)),
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
  /** The cold starts. */
  aiHow: AiHowRun[]
  /** Warm starts and boots of the stopped cluster, when those modes ran. */
  warm?: AiHowRun[]
  boot?: AiHowRun[]
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
    ...otherModes(k, fb),
    '',
    `ai-how's own timings (median per phase, s): ${phases.join(', ')}.`,
    ...otherPhases(k),
  ]
}

const MODE_ROWS: readonly [Exclude<Mode, 'cold'>, string][] = [
  ['warm', 'network, pool and base volume exist, new domains'],
  ['boot', 'boot of the stopped cluster'],
]

/** Rows of the warm and boot runs (no goal: the issue sets it for cold starts), against floor (b). */
function otherModes(k: KindResult, fb: number): string[] {
  return MODE_ROWS.flatMap(([mode, what]) => {
    const runs = k[mode] ?? []
    if (runs.length === 0) return []
    const m = median(runs.map((r) => r.seconds))
    return [
      `| ai-how ${mode}: \`${k.kind} start --skip-deploy\`, ${what} | ${figure(runs.map((r) => r.seconds))} |`,
      `| ratio ai-how ${mode} / floor (b) | ${ratioCell(m / Math.max(0.001, fb), undefined)} |`,
    ]
  })
}

function otherPhases(k: KindResult): string[] {
  return MODE_ROWS.flatMap(([mode]) => {
    const runs = k[mode] ?? []
    if (runs.length === 0) return []
    return [`The same, ${mode}: ${PHASE_KEYS.map((p) => `${p.replace(/_s$/, '')} ${phaseMedian(runs, p)?.toFixed(1) ?? '-'}`).join(', ')}.`]
  })
}

/** The Markdown printed at the end: what ran where, then one table per kind. */
export function floorReport(r: FloorResult): string {
  const {pairs, nodes, modes} = r.settings
  return [
    `${String(nodes)} running node(s), 1 vCPU and 1 GiB each, software-emulated guests (TCG, direct kernel boot, e2e harness), ${String(pairs)} alternating pair(s) per kind; ai-how runs: ${modes.join(', ')}.`,
    `Machine: ${r.machine.cpus}, ${r.machine.memoryGiB.toFixed(1)} GiB; load average (1 min) ${r.machine.loadBefore.toFixed(1)} at the start, ${r.machine.loadAfter.toFixed(1)} at the end.`,
    '',
    ...r.kinds.flatMap((k) => [...kindTable(k, nodes), '']),
  ].join('\n').trimEnd()
}
