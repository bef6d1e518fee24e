/**
 * Slurm commands run on the controller VM over SSH, as the cluster's SSH user with the cluster key
 * and its known_hosts (strict host keys); root commands through `sudo -n`. The runner is injected
 * so that the drain and resume logic can be tested without guests.
 */
import {AiHowError} from '@ai-how/core'
import {sshGuestRunner} from '../ssh/guest-runner.js'
import type {GuestRunner} from '../ssh/guest-runner.js'
import type {ExecResult} from '../ssh/exec.js'

/** Runs `command` on the VM at `host` (the cluster's SSH runner, or a fake in tests). */
export type SlurmRunner = GuestRunner

/** Slurm's runner: the cluster's SSH runner. */
export const sshSlurmRunner = sshGuestRunner

/** The reason `hpc stop` gives the nodes it drains; the next start resumes only nodes with this reason. */
export const DRAIN_REASON = 'ai-how stop'

const COMMAND_TIMEOUT_MS = 30_000

/** One Slurm node as sinfo reports it: its state (lower case, without sinfo's flag suffixes such as `*`) and reason. */
export interface SlurmNode {
  name: string
  state: string
  reason: string
}

export class SlurmCommandError extends AiHowError {
  constructor(what: string, host: string, result: ExecResult) {
    super(`${what} on the Slurm controller ${host} failed: ${result.stderr.trim() || result.stdout.trim() || `exit ${String(result.exitCode)}`}`, {
      code: 'SLURM_COMMAND_FAILED',
      actions: ['Check slurmctld on the controller (sudo systemctl status slurmctld), then retry.'],
      details: {host, exitCode: result.exitCode},
    })
  }
}

/** Parses `sinfo -h -N -o '%N|%T|%E'` (a node in several partitions is listed once per partition). */
export function parseSinfo(text: string): Map<string, SlurmNode> {
  const nodes = new Map<string, SlurmNode>()
  for (const line of text.split('\n')) {
    const [name, state, ...reason] = line.trim().split('|')
    if (name === undefined || name === '' || state === undefined) continue
    const r = reason.join('|').trim()
    nodes.set(name, {name, state: state.trim().toLowerCase().replace(/[^a-z+]+$/, ''), reason: r === 'none' ? '' : r})
  }
  return nodes
}

export class SlurmController {
  constructor(
    private readonly run: SlurmRunner,
    readonly host: string,
    private readonly signal?: AbortSignal,
  ) {}

  private async exec(what: string, command: readonly string[]): Promise<string> {
    const result = await this.run(this.host, command, {timeoutMs: COMMAND_TIMEOUT_MS, ...(this.signal === undefined ? {} : {signal: this.signal})})
    if (result.exitCode !== 0) throw new SlurmCommandError(what, this.host, result)
    return result.stdout
  }

  /** Every node Slurm knows, with its state and reason. */
  async nodes(): Promise<Map<string, SlurmNode>> {
    return parseSinfo(await this.exec('sinfo', ['sinfo', '-h', '-N', '-o', '%N|%T|%E']))
  }

  /** `scontrol update nodename=A,B state=... [reason=...]` as root. */
  async update(names: readonly string[], state: 'drain' | 'resume' | 'down', reason?: string): Promise<void> {
    if (names.length === 0) return
    await this.exec(`scontrol update state=${state}`, ['sudo', '-n', 'scontrol', 'update', `nodename=${names.join(',')}`, `state=${state}`, ...(reason === undefined ? [] : [`reason=${reason}`])])
  }
}

/** A node in drain (drained or draining) in Slurm's state names. */
export function isDrain(state: string): boolean {
  return state.includes('drain')
}

/** A drained node that runs no job any more (or a node that cannot run one: down). */
export function isDrainDone(state: string): boolean {
  return state === 'drained' || state.startsWith('down') || (isDrain(state) && !state.includes('draining') && !/alloc|mix|comp/.test(state))
}
