/**
 * Waits until a VM answers SSH with the cluster key: one probe is a fresh connection that runs
 * `true` (or one command: `cloud-init status --wait`, then the guest checks of guest-check.ts) and must succeed;
 * probes repeat with exponential backoff (250 ms doubling to a 1 s cap) until the node's deadline,
 * and stop at once on an abort, a host key mismatch or a guest that lacks what ai-how needs. The
 * clock and the pause between probes can be injected (tests drive them without waiting).
 */
import {setTimeout as realSleep} from 'node:timers/promises'
import type {Client} from 'ssh2'
import {runCommand} from './exec.js'
import {checkGuest} from './guest-check.js'
import {SshAttemptError, withSession} from './session.js'
import type {SshTarget} from './session.js'
import {sshTimeoutError} from './timeout-error.js'
import type {SshFailureHints} from './timeout-error.js'

export interface WaitForSshOptions extends SshTarget {
  /** Time budget for this node in ms, counted from the call (default 300 s). */
  deadlineMs?: number
  signal?: AbortSignal
  /**
   * Also wait until cloud-init has finished (`cloud-init status --wait`), not only for sshd, then
   * check passwordless sudo (and `expectedHostname`). A cloud-init failure is a warning in the result
   * unless `strictCloudInit`.
   */
  waitForCloudInit?: boolean
  /** With waitForCloudInit: any cloud-init failure is CLOUD_INIT_FAILED (default false: a warning). */
  strictCloudInit?: boolean
  /** With waitForCloudInit: the hostname the node must report. */
  expectedHostname?: string
  log?: (message: string) => void
  hints?: SshFailureHints
  /**
   * First retry delay (default 250 ms); it doubles up to `maxDelayMs` (default 1 s: a probe is one
   * TCP connection and a refused key, and every second of back-off is a second the node may sit
   * ready unseen; with a 5 s cap, bench:floor saw SSH up to 5 s after the floor's probe did).
   */
  initialDelayMs?: number
  maxDelayMs?: number
  /** Bound on one probe, never past the deadline (default 20 s; the whole budget with waitForCloudInit). */
  attemptTimeoutMs?: number
  /** The clock, in ms (default Date.now). */
  now?: () => number
  /** The pause between probes; rejects when `signal` aborts (default: node's timers/promises setTimeout). */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>
}

export interface SshReady {
  host: string
  attempts: number
  /** Ms from the call until the node was ready (with waitForCloudInit: cloud-init done and the guest checks passed, one command). */
  elapsedMs: number
  /**
   * Ms from the call until the first connection that SSH accepted (with waitForCloudInit, before
   * cloud-init was done). elapsedMs minus this (the start timings' ssh_to_cloud_init) includes the
   * guest checks: they run in the same command as `cloud-init status --wait`, after it.
   */
  connectedMs?: number
  /** What the guest checks found wrong but not fatal (a failed cloud-init module), one line each. */
  warnings?: string[]
}

/** The longest pause between two probes (the back-off's cap). */
export const DEFAULT_MAX_DELAY_MS = 1000

export async function waitForSsh(options: WaitForSshOptions): Promise<SshReady> {
  const {signal, log} = options
  const now = options.now ?? Date.now
  const started = now()
  const deadline = started + (options.deadlineMs ?? 300_000)
  const perAttempt = options.attemptTimeoutMs ?? (options.waitForCloudInit === true ? Number.POSITIVE_INFINITY : 20_000)
  const maxDelay = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS
  let delay = options.initialDelayMs ?? 250
  let attempts = 0
  let last = new SshAttemptError('ETIMEDOUT', 'no attempt fitted in the deadline')
  let connectedMs: number | undefined
  const connected = (): void => { connectedMs ??= now() - started }
  for (;;) {
    signal?.throwIfAborted()
    const remaining = deadline - now()
    if (remaining <= 0) break
    attempts += 1
    const outcome = await attempt(options, Math.min(perAttempt, remaining), signal, connected)
    if (!(outcome instanceof SshAttemptError)) {
      log?.(`ssh ${options.host}: ready after ${attempts} attempt(s)`)
      return {host: options.host, attempts, elapsedMs: now() - started, connectedMs: connectedMs ?? now() - started, warnings: outcome}
    }
    const failure = outcome
    if (!cutShort(failure, remaining, perAttempt) || attempts === 1) last = failure
    const wait = Math.min(delay, deadline - now())
    log?.(`ssh ${options.host}: attempt ${attempts} failed (${failure.reason}: ${failure.message})${wait > 0 ? `; retry in ${wait} ms` : ''}`)
    if (wait <= 0) break
    await pause(options.sleep ?? defaultSleep, wait, signal)
    delay = Math.min(delay * 2, maxDelay)
  }
  throw sshTimeoutError({
    host: options.host, port: options.port ?? 22, user: options.user, attempts, elapsedMs: now() - started,
    lastReason: last.reason, lastMessage: last.message, knownHostsFile: options.knownHostsFile,
    ...(options.hints === undefined ? {} : {hints: options.hints}),
  })
}

/**
 * A timeout of an attempt that the deadline left under 2 s says only that time ran out: the error
 * of the attempt before it (connection refused, authentication failed...) explains the node better.
 */
function cutShort(failure: SshAttemptError, budgetMs: number, perAttemptMs: number): boolean {
  return failure.reason === 'ETIMEDOUT' && budgetMs < perAttemptMs && budgetMs < 2000
}

/** One probe: the node's warnings when it is ready, the transient failure otherwise. */
async function attempt(options: WaitForSshOptions, timeoutMs: number, signal: AbortSignal | undefined, connected: () => void): Promise<SshAttemptError | string[]> {
  try {
    return await withSession(options, timeoutMs, signal, (client) => {
      connected()
      return probe(client, options)
    })
  } catch (error) {
    if (error instanceof SshAttemptError) return error
    throw error
  }
}

async function probe(client: Client, options: WaitForSshOptions): Promise<string[]> {
  if (options.waitForCloudInit === true) {
    // One command on this channel: cloud-init status --wait, then the guest checks (guest-probe.ts).
    return checkGuest(client, {
      host: options.host, alias: options.hostAlias, user: options.user,
      strict: options.strictCloudInit === true, hostname: options.expectedHostname,
    })
  }
  const result = await runCommand(client, 'true')
  if (result.exitCode === 0) return []
  throw new SshAttemptError(`EXIT_${result.exitCode ?? result.signal ?? 'UNKNOWN'}`, `'true' exited with ${result.exitCode ?? result.signal ?? 'no status'}`)
}

const defaultSleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  realSleep(ms, undefined, signal === undefined ? {} : {signal})

async function pause(sleep: NonNullable<WaitForSshOptions['sleep']>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, signal)
  } catch (error) {
    signal?.throwIfAborted()
    throw error
  }
}
