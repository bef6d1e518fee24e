/** The lines a failed run leaves on stderr: what was undone, what could not be, what was kept. */
import type {Logger} from '../contracts/extensions.js'
import type {RunResult} from './types.js'

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export function logFailureSummary(log: Logger, result: RunResult, keepOnFailure: boolean): void {
  if (result.undone.length > 0) {
    log.info(`Undid what this run created (newest first):`)
    for (const title of result.undone) log.info(`  undone: ${title}`)
  }
  for (const {title, error} of result.failedUndos) log.warn(`could not undo ${title}: ${errorMessage(error)}`)
  if (keepOnFailure && result.kept.length > 0) {
    log.info(`Kept what this run created (--keep-on-failure):`)
    for (const title of result.kept) log.info(`  kept: ${title}`)
  } else if (result.kept.length > 0) {
    log.warn(`left behind (remove by hand or with the destroy command): ${result.kept.join(', ')}`)
  }
}
