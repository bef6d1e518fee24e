/** A deadline, an abortable pause and a bounded-parallel map, for the retry loops of this layer. */
import {setTimeout as sleep} from 'node:timers/promises'

export class Deadline {
  readonly at: number

  constructor(ms: number) {
    this.at = Date.now() + ms
  }

  get remaining(): number {
    return Math.max(0, this.at - Date.now())
  }

  get expired(): boolean {
    return this.remaining === 0
  }

  /** A timeout for one request: `cap`, cut to what is left (never under `floor` ms, so a last try has a chance). */
  requestTimeout(cap: number, floor = 500): number {
    return Math.min(cap, Math.max(this.remaining, floor))
  }
}

/** Waits `ms`; an abort of `signal` rejects with the signal's reason. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return
  try {
    await sleep(ms, undefined, signal === undefined ? undefined : {signal})
  } catch (error) {
    signal?.throwIfAborted()
    throw error
  }
}

/** `fn` over `items` with at most `limit` running at once; results in item order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({length: Math.min(Math.max(1, limit), items.length)}, worker))
  return results
}
