/**
 * The state lock `<state>.lock`: created with O_EXCL, holding JSON {pid, hostname, holder, since}.
 * Acquisition retries with a small jittered backoff until the timeout, takes over stale locks (see
 * takeover.ts) and fails with STATE_LOCKED naming the holder. A holder releases only its own lock.
 */
import {randomUUID} from 'node:crypto'
import {readFile, unlink} from 'node:fs/promises'
import {hostname} from 'node:os'
import {setTimeout as sleep} from 'node:timers/promises'
import type {Logger} from '../contracts/extensions.js'
import {StateError} from '../errors.js'
import {createExclusive, readLockFile} from './lock-file.js'
import type {LockInfo} from './lock-info.js'
import {describeHolder, judgeLock, parseLockInfo} from './lock-info.js'
import {removeStaleLock} from './takeover.js'

export interface LockOptions {
  holder: string
  timeoutMs: number
  log: Logger
  /** The state file the lock protects (for messages). */
  stateFile: string
}

export interface HeldLock {
  readonly file: string
  release(): Promise<void>
}

const FIRST_DELAY_MS = 5
const MAX_DELAY_MS = 100

export async function acquireLock(lockFile: string, options: LockOptions): Promise<HeldLock> {
  const deadline = Date.now() + options.timeoutMs
  let delay = FIRST_DELAY_MS
  for (;;) {
    const info: LockInfo = {pid: process.pid, hostname: hostname(), holder: options.holder, since: new Date().toISOString(), token: randomUUID()}
    const mine = JSON.stringify(info)
    if (await tryCreate(lockFile, mine, options.stateFile)) return {file: lockFile, release: () => releaseLock(lockFile, mine, options.log)}
    const current = await readLockFile(lockFile)
    if (current === undefined) continue // released in between: try again at once
    if (judgeLock(current.content, current.mtimeMs).stale && (await removeStaleLock(lockFile, current.content, options.log))) continue
    if (Date.now() >= deadline) throw lockedError(lockFile, current.content, options)
    await sleep(Math.round(delay * (0.5 + Math.random() / 2)))
    delay = Math.min(delay * 1.5, MAX_DELAY_MS)
  }
}

async function tryCreate(lockFile: string, content: string, stateFile: string): Promise<boolean> {
  try {
    return await createExclusive(lockFile, content)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new StateError(`Cannot create the lock ${lockFile} for state file ${stateFile}: ${reason}`, {
      code: 'STATE_LOCK_FAILED',
      cause: error,
      actions: [`Check that the folder of ${stateFile} exists and is writable by you, or pick another state file with --state.`],
    })
  }
}

async function releaseLock(lockFile: string, mine: string, log: Logger): Promise<void> {
  try {
    const current = await readFile(lockFile, 'utf8')
    if (current === mine) {
      await unlink(lockFile)
      return
    }
    log.warn(`The lock ${lockFile} was taken over by another process before this one released it.`)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    log.warn(code === 'ENOENT' ? `The lock ${lockFile} was removed by someone else before this process released it.` : `Could not release the lock ${lockFile}: ${String(error)}`)
  }
}

function lockedError(lockFile: string, content: string, options: LockOptions): StateError {
  const seconds = options.timeoutMs / 1000
  const info = parseLockInfo(content)
  if (info === undefined) {
    return new StateError(`State file ${options.stateFile} is locked (the lock ${lockFile} has unreadable content); gave up after ${seconds} s.`, {
      code: 'STATE_LOCKED',
      actions: ['Wait for the other ai-how command to finish, then retry.', `If no ai-how command is running, remove ${lockFile} and retry.`],
      details: {lockFile},
    })
  }
  const host = info.hostname === hostname() ? '' : ` on host ${info.hostname}`
  return new StateError(`State file ${options.stateFile} is locked by ${describeHolder(info)}; gave up after ${seconds} s.`, {
    code: 'STATE_LOCKED',
    actions: [
      `Wait for \`${info.holder}\` (pid ${info.pid}) to finish, then retry.`,
      `If process ${info.pid}${host} is gone or is not ai-how, remove ${lockFile} and retry.`,
    ],
    details: {lockFile, holder: {pid: info.pid, hostname: info.hostname, holder: info.holder, since: info.since}},
  })
}
