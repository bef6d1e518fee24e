/**
 * A step that creates several objects must either return the undo of every one of them or, when it
 * fails halfway, remove what it already made itself: the task runner only registers the undos of a
 * step that succeeded. `transaction` tracks the undos of the work done so far and runs them (newest
 * first, best effort) before the error goes on.
 */
import type {Logger, Undo} from '@ai-how/core'

export type Track = (undo: Undo) => void

export async function transaction<T>(log: Pick<Logger, 'warn'>, work: (track: Track) => Promise<T>): Promise<{value: T; undos: Undo[]}> {
  const undos: Undo[] = []
  try {
    const value = await work((undo) => undos.push(undo))
    return {value, undos}
  } catch (error) {
    for (const undo of [...undos].reverse()) {
      try {
        await undo.run()
      } catch (undoError) {
        log.warn(`could not undo ${undo.title}: ${undoError instanceof Error ? undoError.message : String(undoError)}`)
      }
    }
    throw error
  }
}

/** Runs `action`, ignoring the errors whose code is listed (e.g. an object that is already gone). */
export async function ignoring(codes: readonly string[], action: () => Promise<void>): Promise<void> {
  try {
    await action()
  } catch (error) {
    const code = (error as {code?: unknown} | null)?.code
    if (typeof code === 'string' && codes.includes(code)) return
    throw error
  }
}
