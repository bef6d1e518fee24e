/**
 * Abort plumbing of the task runner: the Ctrl+C error, SIGINT wiring, and racing a step against
 * the run's signal so that a running step fails at once when the run is aborted.
 */
import {writeSync} from 'node:fs'
import {AiHowError} from '../errors.js'

export const INTERRUPTED = 'INTERRUPTED'
export const CANCELLED = 'STEP_CANCELLED'

/** The error a run reports after Ctrl+C (or after the caller's signal aborted without an Error). */
export function interruptedError(keepOnFailure: boolean): AiHowError {
  return new AiHowError('Interrupted (Ctrl+C)', {
    code: INTERRUPTED,
    actions: keepOnFailure
      ? ['What this run created was kept (--keep-on-failure): inspect it, then remove it with the destroy command.']
      : ['What this run created was removed; run the command again to start over.'],
  })
}

/** Why a step still running was stopped: another step failed. */
export function cancelledError(failedStep: string): AiHowError {
  return new AiHowError(`cancelled: step "${failedStep}" failed`, {code: CANCELLED})
}

/**
 * The first SIGINT calls `interrupt`; a second one exits at once (code 130), for a rollback that
 * hangs. Returns the function that removes the listener.
 */
export function onSigint(interrupt: () => void): () => void {
  let count = 0
  const listener = (): void => {
    count++
    if (count === 1) {
      interrupt()
      return
    }
    // The animated renderer hijacks process.stderr.write: write to fd 2 directly.
    writeSync(2, '\nInterrupted twice: exiting without finishing the rollback.\n')
    process.exit(130)
  }
  process.on('SIGINT', listener)
  return () => {
    process.removeListener('SIGINT', listener)
  }
}

/** Resolves or rejects like `work`, or rejects with the signal's reason as soon as it aborts. */
export async function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted()
  let onAbort = (): void => undefined
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      reject(signal.reason as Error)
    }
    signal.addEventListener('abort', onAbort, {once: true})
  })
  try {
    return await Promise.race([work, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
