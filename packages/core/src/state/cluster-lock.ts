/**
 * The operation lock of one cluster: `start`, `stop` and `destroy` of the same state entry never
 * run at once. `<state>.<stateKey>.lock` is held for the whole operation (the state file's own
 * lock is held only while the file is rewritten); a second command fails at once with
 * CLUSTER_BUSY naming the holder; a lock left by a dead process is taken over with a notice.
 * Only writing commands take it, so a corrupt state file met under it is a writer's: its bytes
 * are kept (corrupt.ts), which a read-only command never does.
 */
import {mkdir} from 'node:fs/promises'
import path from 'node:path'
import type {Logger} from '../contracts/extensions.js'
import {AiHowError, hasCode, isAiHowError} from '../errors.js'
import {withCorruptCopy} from './corrupt.js'
import {acquireLock} from './lock.js'
import {describeHolder} from './lock-info.js'
import type {LockInfo} from './lock-info.js'

const WAIT_MS = 1500

export interface ClusterLockOptions {
  statePath: string
  stateKey: string
  cluster: string
  /** What is running, e.g. 'ai-how hpc start lab'. */
  holder: string
  log: Logger
}

export function clusterLockFile(statePath: string, stateKey: string): string {
  return `${statePath}.${stateKey}.lock`
}

export async function withClusterLock<T>(options: ClusterLockOptions, fn: () => Promise<T>): Promise<T> {
  const lockFile = clusterLockFile(options.statePath, options.stateKey)
  await mkdir(path.dirname(lockFile), {recursive: true})
  let held
  try {
    held = await acquireLock(lockFile, {holder: options.holder, timeoutMs: WAIT_MS, log: options.log, stateFile: options.statePath})
  } catch (error) {
    if (!hasCode(error, 'STATE_LOCKED') || !isAiHowError(error)) throw error
    const holder = (error.details as {holder?: LockInfo} | undefined)?.holder
    const who = holder === undefined ? `a process whose lock ${lockFile} cannot be read` : describeHolder(holder)
    throw new AiHowError(`the cluster ${options.cluster} (${options.stateKey}) is busy: another ai-how command works on it: ${who}`, {
      code: 'CLUSTER_BUSY',
      actions: error.actions,
      details: error.details,
    })
  }
  try {
    return await fn()
  } catch (error) {
    throw await withCorruptCopy(error, options.statePath)
  } finally {
    await held.release()
  }
}
