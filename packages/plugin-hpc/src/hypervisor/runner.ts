/**
 * Runs virsh against one URI: `virsh -q -c URI ARGS...` with argument arrays, and batches of
 * read-only commands in ONE virsh process (`virsh -q -c URI "cmd1 ; echo MARK ; cmd2 ; echo MARK"`),
 * which is what keeps "state of N domains" at a bounded number of processes. Every token of a
 * batch must be a plain word (validated names, UUIDs, flags), so virsh's own command parser never
 * sees a quote, a semicolon or a space inside an argument.
 */
import {randomBytes} from 'node:crypto'
import {hypervisorFailure} from './errors.js'
import {execaExec, resolveLibvirtUri} from './exec.js'
import type {ExecFn, ExecResult} from './exec.js'

export interface VirshRunnerOptions {
  /** libvirt URI; default LIBVIRT_DEFAULT_URI, else qemu:///system. */
  uri?: string
  /** Spawns processes (inject to count or record them). */
  exec?: ExecFn
  /** Timeout of one virsh call in ms (default 60 s). */
  timeoutMs?: number
}

/** Commands per virsh process in a batch: N domains cost ceil(N / BATCH_SIZE) processes. */
export const BATCH_SIZE = 200

export interface RunOptions {
  timeoutMs?: number
  /** Text for virsh's stdin (XML passed as `/dev/stdin`). */
  input?: string
}

const SAFE_TOKEN = /^[A-Za-z0-9@%+=:,./_-]+$/

export class VirshRunner {
  readonly uri: string
  readonly exec: ExecFn
  readonly timeoutMs: number

  constructor(options: VirshRunnerOptions = {}) {
    this.uri = resolveLibvirtUri(options.uri)
    this.exec = options.exec ?? execaExec
    this.timeoutMs = options.timeoutMs ?? 60_000
  }

  private argv(args: readonly string[]): string[] {
    return ['-q', '-c', this.uri, ...args]
  }

  /** Runs one virsh command and returns the raw result (never throws for a failed command). */
  async attempt(args: readonly string[], options: RunOptions = {}): Promise<ExecResult> {
    const request = {file: 'virsh', args: this.argv(args), timeoutMs: options.timeoutMs ?? this.timeoutMs}
    return this.exec(options.input === undefined ? request : {...request, input: options.input})
  }

  /** Runs one virsh command; returns stdout, throws a mapped HypervisorError on failure. */
  async run(args: readonly string[], options: RunOptions = {}): Promise<string> {
    const result = await this.attempt(args, options)
    if (result.exitCode !== 0 || result.spawnError !== undefined || result.timedOut) {
      throw hypervisorFailure({file: 'virsh', args: this.argv(args)}, result, `virsh ${args.slice(0, 2).join(' ')}`)
    }
    return result.stdout
  }

  /** Runs another tool (qemu-img) with the same failure mapping. */
  async tool(file: string, args: readonly string[], timeoutMs: number): Promise<string> {
    const result = await this.exec({file, args, timeoutMs})
    if (result.exitCode !== 0 || result.spawnError !== undefined || result.timedOut) {
      throw hypervisorFailure({file, args}, result, `${file} ${args[0] ?? ''}`)
    }
    return result.stdout
  }

  /**
   * Runs read-only commands in as few virsh processes as possible and returns each command's
   * stdout in order ('' for a command that failed, e.g. a domain that does not exist).
   */
  async batch(commands: readonly (readonly string[])[]): Promise<string[]> {
    for (const token of commands.flat()) {
      if (!SAFE_TOKEN.test(token)) throw new TypeError(`unsafe token in a virsh batch: ${JSON.stringify(token)}`)
    }
    const out: string[] = []
    for (let start = 0; start < commands.length; start += BATCH_SIZE) {
      out.push(...(await this.batchChunk(commands.slice(start, start + BATCH_SIZE))))
    }
    return out
  }

  private async batchChunk(commands: readonly (readonly string[])[]): Promise<string[]> {
    const mark = `@@aihow-${randomBytes(6).toString('hex')}@@`
    const script = commands.map((c) => `${c.join(' ')} ; echo ${mark}`).join(' ; ')
    const timeoutMs = this.timeoutMs + 200 * commands.length
    const result = await this.attempt([script], {timeoutMs})
    if (result.exitCode !== 0 || result.spawnError !== undefined || result.timedOut) {
      throw hypervisorFailure({file: 'virsh', args: this.argv([script])}, result, 'virsh (batch)')
    }
    const sections = result.stdout.split(mark)
    return commands.map((_, i) => (sections[i] ?? '').trim())
  }
}
