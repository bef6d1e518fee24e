/**
 * What a lock file says about its holder, and whether that holder is gone: a lock whose pid is dead
 * on this host is stale, and so is a lock whose content cannot be read once it is a few seconds old
 * (a holder that died between creating the file and writing it).
 */
import {hostname} from 'node:os'

export interface LockInfo {
  pid: number
  hostname: string
  /** The command holding the lock, e.g. `ai-how hpc start`. */
  holder: string
  /** ISO-8601 time the lock was taken. */
  since: string
  /** Random id of this acquisition, so a holder only ever releases its own lock. */
  token?: string
}

/** A lock file with unparsable content is only judged stale after this age. */
export const UNPARSABLE_STALE_MS = 5_000

export function parseLockInfo(content: string): LockInfo | undefined {
  let value: unknown
  try {
    value = JSON.parse(content)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const v = value as Record<string, unknown>
  const {pid, hostname: host, holder, since, token} = v
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined
  if (typeof host !== 'string' || typeof holder !== 'string' || typeof since !== 'string') return undefined
  const info: LockInfo = {pid, hostname: host, holder, since}
  if (typeof token === 'string') info.token = token
  return info
}

/** True unless `kill(pid, 0)` says the process does not exist (EPERM means it exists). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

export type Staleness = {stale: false} | {stale: true; reason: string}

/** Decides whether a lock file (its content and modification time) belongs to a holder that is gone. */
export function judgeLock(content: string, mtimeMs: number, now: number = Date.now()): Staleness {
  const info = parseLockInfo(content)
  if (info === undefined) {
    const age = now - mtimeMs
    return age > UNPARSABLE_STALE_MS
      ? {stale: true, reason: `its content is unreadable and it is ${Math.round(age / 1000)} s old`}
      : {stale: false}
  }
  if (info.hostname !== hostname()) return {stale: false}
  if (isPidAlive(info.pid)) return {stale: false}
  return {stale: true, reason: `its holder, pid ${info.pid} (${info.holder}, since ${info.since}), is no longer running`}
}

export function describeHolder(info: LockInfo): string {
  const where = info.hostname === hostname() ? '' : ` on host ${info.hostname}`
  return `pid ${info.pid}${where} (${info.holder}), since ${info.since}`
}
