/**
 * A fake Slurm controller behind a SlurmRunner: it answers `sinfo -h -N -o '%N|%T|%E'` and
 * `sudo -n scontrol update nodename=... state=drain|down|resume [reason=...]` the way Slurm 22.05 does
 * (a drained node with jobs is `draining` until they end), records every command, and can be made
 * unreachable (SSH fails) or have slurmctld down (sinfo exits 1).
 */
import {AiHowError} from '@ai-how/core'
import type {ExecResult} from '../../ssh/exec.js'
import type {SlurmRunner} from '../controller.js'

export interface FakeNode {
  /** idle, allocated, mixed, down, ... (before any drain flag) */
  base: string
  drain: boolean
  reason: string
  /** Running jobs; a drained node with jobs is `draining`. */
  jobs: number
}

const ok = (stdout: string): ExecResult => ({stdout, stderr: '', exitCode: 0, signal: null})
const fail = (stderr: string): ExecResult => ({stdout: '', stderr, exitCode: 1, signal: null})

export class FakeSlurm {
  readonly nodes = new Map<string, FakeNode>()
  /** `host: command words` of each command run. */
  readonly calls: string[] = []
  unreachable = false
  slurmctldDown = false
  /** Called at each sinfo (e.g. to end jobs after a while). */
  onSinfo?: () => void

  constructor(names: readonly string[] = []) {
    for (const n of names) this.add(n)
  }

  add(name: string, node: Partial<FakeNode> = {}): void {
    this.nodes.set(name, {base: 'idle', drain: false, reason: '', jobs: 0, ...node})
  }

  state(name: string): string {
    const n = this.nodes.get(name)
    if (n === undefined) throw new Error(`no node ${name}`)
    if (!n.drain) return n.jobs > 0 ? 'allocated' : n.base
    return n.jobs > 0 ? 'draining' : 'drained'
  }

  /** The reason column of sinfo (`none` when there is none). */
  private reasonOf(name: string): string {
    const reason = this.nodes.get(name)?.reason ?? ''
    return reason === '' ? 'none' : reason
  }

  /** Updates that changed a node's state, as `state=X nodename=A,B`. */
  updates(): string[] {
    return this.calls.filter((c) => c.includes(' scontrol update ')).map((c) => c.replace(/^.*scontrol update /, ''))
  }

  readonly runner: SlurmRunner = (host, command) => {
    this.calls.push(`${host}: ${command.join(' ')}`)
    if (this.unreachable) return Promise.reject(new AiHowError(`SSH to debian@${host}:22 failed (CONNECT_TIMEOUT): timed out`, {code: 'SSH_FAILED'}))
    if (this.slurmctldDown) return Promise.resolve(fail('slurm_load_partitions: Unable to contact slurm controller (connect failure)'))
    const [first, ...rest] = command
    if (first === 'sinfo') {
      this.onSinfo?.()
      return Promise.resolve(ok([...this.nodes.keys()].map((n) => `${n}|${this.state(n)}|${this.reasonOf(n)}\n`).join('')))
    }
    if (first === 'sudo' && rest[0] === '-n' && rest[1] === 'scontrol' && rest[2] === 'update') return Promise.resolve(this.update(rest.slice(3)))
    return Promise.resolve(fail(`unexpected command ${command.join(' ')}`))
  }

  private update(args: readonly string[]): ExecResult {
    const field = (k: string): string | undefined => args.find((a) => a.startsWith(`${k}=`))?.slice(k.length + 1)
    const names = (field('nodename') ?? '').split(',')
    const state = field('state')
    for (const name of names) {
      const node = this.nodes.get(name)
      if (node === undefined) return fail(`Invalid node name specified ${name}`)
      if (state === 'drain') {
        const reason = field('reason')
        if (reason === undefined) return fail('You must specify a reason when DOWNING or DRAINING a node. Request denied')
        Object.assign(node, {drain: true, reason})
      } else if (state === 'down') Object.assign(node, {base: 'down', reason: field('reason') ?? ''})
      else if (state === 'resume') Object.assign(node, {drain: false, reason: ''})
      else return fail(`Invalid node state specified ${String(state)}`)
    }
    return ok('')
  }
}
