/**
 * Waits until a VM answers SSH with the cluster key: one probe is a fresh connection that runs
 * `true` (or `cloud-init status --wait`) and must exit 0; probes repeat with exponential backoff
 * (250 ms doubling to a 5 s cap) until the node's deadline, and stop at once on an abort or a host
 * key mismatch.
 */
import {setTimeout as sleep} from 'node:timers/promises'
import type {Client} from 'ssh2'
import {AiHowError} from '@ai-how/core'
import {runCommand} from './exec.js'
import {SshAttemptError, withSession} from './session.js'
import type {SshTarget} from './session.js'
import {sshTimeoutError} from './timeout-error.js'
import type {SshFailureHints} from './timeout-error.js'

export interface WaitForSshOptions extends SshTarget {
  /** Time budget for this node in ms, counted from the call (default 300 s). */
  deadlineMs?: number
  signal?: AbortSignal
  /** Also wait until cloud-init has finished (`cloud-init status --wait`), not only for sshd. */
  waitForCloudInit?: boolean
  log?: (message: string) => void
  hints?: SshFailureHints
  /** First retry delay (default 250 ms); it doubles up to `maxDelayMs` (default 5 s). */
  initialDelayMs?: number
  maxDelayMs?: number
  /** Bound on one probe, never past the deadline (default 20 s; the whole budget with waitForCloudInit). */
  attemptTimeoutMs?: number
}

export interface SshReady {
  host: string
  attempts: number
  elapsedMs: number
}

const CLOUD_INIT_WAIT = 'cloud-init status --wait'

export async function waitForSsh(options: WaitForSshOptions): Promise<SshReady> {
  const {signal, log} = options
  const started = Date.now()
  const deadline = started + (options.deadlineMs ?? 300_000)
  const perAttempt = options.attemptTimeoutMs ?? (options.waitForCloudInit === true ? Number.POSITIVE_INFINITY : 20_000)
  const maxDelay = options.maxDelayMs ?? 5000
  let delay = options.initialDelayMs ?? 250
  let attempts = 0
  let last = new SshAttemptError('ETIMEDOUT', 'no attempt fitted in the deadline')
  for (;;) {
    signal?.throwIfAborted()
    const remaining = deadline - Date.now()
    if (remaining <= 0) break
    attempts += 1
    const failure = await attempt(options, Math.min(perAttempt, remaining), signal)
    if (failure === undefined) {
      log?.(`ssh ${options.host}: ready after ${attempts} attempt(s)`)
      return {host: options.host, attempts, elapsedMs: Date.now() - started}
    }
    if (!cutShort(failure, remaining, perAttempt) || attempts === 1) last = failure
    const wait = Math.min(delay, deadline - Date.now())
    log?.(`ssh ${options.host}: attempt ${attempts} failed (${failure.reason}: ${failure.message})${wait > 0 ? `; retry in ${wait} ms` : ''}`)
    if (wait <= 0) break
    await pause(wait, signal)
    delay = Math.min(delay * 2, maxDelay)
  }
  throw sshTimeoutError({
    host: options.host, port: options.port ?? 22, user: options.user, attempts, elapsedMs: Date.now() - started,
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

/** One probe: undefined when the node is ready, the transient failure otherwise. */
async function attempt(options: WaitForSshOptions, timeoutMs: number, signal: AbortSignal | undefined): Promise<SshAttemptError | undefined> {
  try {
    await withSession(options, timeoutMs, signal, (client) => probe(client, options))
    return undefined
  } catch (error) {
    if (error instanceof SshAttemptError) return error
    throw error
  }
}

async function probe(client: Client, options: WaitForSshOptions): Promise<void> {
  const command = options.waitForCloudInit === true ? CLOUD_INIT_WAIT : 'true'
  const result = await runCommand(client, command)
  if (result.exitCode === 0) return
  if (options.waitForCloudInit === true && result.exitCode !== null) {
    // cloud-init answered: it finished with errors (1) or recoverable errors (2). Waiting longer changes nothing.
    if (result.exitCode === 2) return
    throw new AiHowError(`cloud-init failed on ${options.host}: ${(result.stdout + result.stderr).trim()}`, {
      code: 'CLOUD_INIT_FAILED',
      actions: [`Read /var/log/cloud-init.log and /var/log/cloud-init-output.log on the VM (ssh ${options.user}@${options.host}), or its console log.`],
      details: {host: options.host, exitCode: result.exitCode},
    })
  }
  throw new SshAttemptError(`EXIT_${result.exitCode ?? result.signal ?? 'UNKNOWN'}`, `'${command}' exited with ${result.exitCode ?? result.signal ?? 'no status'}`)
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal === undefined ? {} : {signal})
  } catch (error) {
    signal?.throwIfAborted()
    throw error
  }
}
