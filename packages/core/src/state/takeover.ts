/**
 * Removal of a stale lock without races. Several waiting processes may judge the same lock stale at
 * once; they take a short-lived guard file (O_EXCL) and, holding it, re-read the lock and remove it
 * only if it is still the very lock they judged (same content, still stale). A process that finds the
 * lock gone or replaced does nothing, so exactly one new holder can win the lock afterwards.
 * A guard left by a process that died inside that tiny section is itself moved aside (renamed to a
 * unique name, then checked to be the same content) once its pid is dead or it is clearly too old.
 */
import {hostname} from 'node:os'
import {link, readFile, rename, rm, unlink} from 'node:fs/promises'
import type {Logger} from '../contracts/extensions.js'
import {createExclusive, readLockFile} from './lock-file.js'
import {judgeLock} from './lock-info.js'
import {asidePathOf, takeoverGuardPathOf} from './paths.js'

/** The guard section lasts milliseconds; a guard older than this belongs to a stuck or dead process. */
const GUARD_STALE_MS = 10_000

/** Removes `lockFile` if it still holds `observed` and is still stale. True when this call removed it. */
export async function removeStaleLock(lockFile: string, observed: string, log: Logger): Promise<boolean> {
  const guard = takeoverGuardPathOf(lockFile)
  const mine = JSON.stringify({pid: process.pid, hostname: hostname(), holder: 'stale lock takeover', since: new Date().toISOString()})
  if (!(await createExclusive(guard, mine))) {
    await clearStaleGuard(guard)
    return false
  }
  try {
    const current = await readLockFile(lockFile)
    if (current?.content !== observed) return false
    const verdict = judgeLock(current.content, current.mtimeMs)
    if (!verdict.stale) return false
    await unlink(lockFile)
    log.warn(`Removed the stale lock ${lockFile}: ${verdict.reason}.`)
    return true
  } finally {
    await rm(guard, {force: true})
  }
}

async function clearStaleGuard(guard: string): Promise<void> {
  const seen = await readLockFile(guard)
  if (seen === undefined) return
  const tooOld = Date.now() - seen.mtimeMs > GUARD_STALE_MS
  if (!tooOld && !judgeLock(seen.content, seen.mtimeMs).stale) return
  const aside = asidePathOf(guard)
  try {
    await rename(guard, aside)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  const moved = await readFile(aside, 'utf8')
  if (moved !== seen.content) {
    // We moved a fresh guard of a live process: put it back unless a new one already exists.
    await link(aside, guard).catch(() => undefined)
  }
  await rm(aside, {force: true})
}
