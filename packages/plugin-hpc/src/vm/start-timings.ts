/**
 * The `timings` of a start result: seconds (0.1 s precision) per phase, null for a phase that did
 * not run in this start (no VM to create, deploy skipped...). Phases, in order:
 * prepare (host checks, SSH key, host keys), shared (network, pool, base import), nodes (every
 * node's create or boot, in parallel), ssh_wait (until every node answers SSH with cloud-init
 * done), deploy, finish (the kind's other steps after SSH, the deploy left out: inventory, clock,
 * Slurm or Kubernetes health...); total is the whole start, the reading of the state and the
 * libvirt objects before and the state write after included. Per node: create (its disk, seed, define, start; or the boot of an existing one),
 * boot_to_ssh (from its start until SSH accepted the key) and ssh_to_cloud_init (from then until
 * `cloud-init status --wait` returned and the guest checks passed); the top-level boot_to_ssh and
 * ssh_to_cloud_init are the slowest node's.
 */
import type {PhaseTimer} from './phase-timer.js'
import {toSeconds} from './phase-timer.js'
import type {NodeReady} from './ssh-ready.js'

export const PHASES = ['prepare', 'shared', 'nodes', 'ssh_wait', 'deploy', 'finish'] as const
export type Phase = (typeof PHASES)[number]

export interface NodeTimings {
  name: string
  create_s: number | null
  boot_to_ssh_s: number | null
  ssh_to_cloud_init_s: number | null
}

export interface StartTimings {
  total_s: number | null
  prepare_s: number | null
  shared_s: number | null
  nodes_s: number | null
  ssh_wait_s: number | null
  boot_to_ssh_s: number | null
  ssh_to_cloud_init_s: number | null
  deploy_s: number | null
  finish_s: number | null
  nodes: NodeTimings[]
}

/** The timer's phase of one node's create or boot. */
export function nodePhase(vmName: string): string {
  return `node:${vmName}`
}

function span(from: number | undefined, to: number | undefined): number | null {
  return from === undefined || to === undefined ? null : toSeconds(to - from)
}

function slowest(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null)
  return known.length === 0 ? null : Math.max(...known)
}

/** Nodes restored from a suspend did not boot: cloud-init was not waited for (null). */
export function startTimings(timer: PhaseTimer, ready: readonly NodeReady[], restored: readonly string[]): StartTimings {
  const nodes = ready.map((r): NodeTimings => {
    const booted = timer.endOf(nodePhase(r.name))
    return {
      name: r.name,
      create_s: timer.seconds(nodePhase(r.name)),
      boot_to_ssh_s: span(booted, r.sshAt),
      ssh_to_cloud_init_s: restored.includes(r.name) ? null : span(r.sshAt, r.readyAt),
    }
  })
  const deploy = timer.seconds('deploy')
  const afterSsh = timer.seconds('after_ssh')
  return {
    total_s: timer.seconds('total'),
    prepare_s: timer.seconds('prepare'),
    shared_s: timer.seconds('shared'),
    nodes_s: timer.seconds('nodes'),
    ssh_wait_s: timer.seconds('ssh_wait'),
    boot_to_ssh_s: slowest(nodes.map((n) => n.boot_to_ssh_s)),
    ssh_to_cloud_init_s: slowest(nodes.map((n) => n.ssh_to_cloud_init_s)),
    deploy_s: deploy,
    finish_s: afterSsh === null ? null : toSeconds((afterSsh - (deploy ?? 0)) * 1000),
    nodes,
  }
}

/** One plain line: the phases that ran, e.g. `timings: total 95.2 s = prepare 0.4 + shared 3.1 + ...`. */
export function timingsLine(t: StartTimings): string {
  const parts = PHASES.flatMap((p) => {
    const v = t[`${p}_s`]
    return v === null ? [] : [`${p.replace('_', ' ')} ${v}`]
  })
  const nodes = t.boot_to_ssh_s === null && t.ssh_to_cloud_init_s === null ? '' : ` (slowest node: boot to SSH ${t.boot_to_ssh_s ?? '-'} s, SSH to cloud-init done ${t.ssh_to_cloud_init_s ?? '-'} s)`
  return `timings: total ${t.total_s ?? '-'} s = ${parts.join(' + ')}${nodes}`
}
