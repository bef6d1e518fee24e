/**
 * Where the seconds of a start go: a span (first start, last end) per phase, measured on an
 * injectable monotonic clock by wrapping the leaf steps of that phase. A phase whose steps never
 * ran (skipped, or marked not run by its step) has no span and reads null.
 */
import type {Step} from '@ai-how/core'

/** Milliseconds of a monotonic clock. */
export type Clock = () => number

export const defaultClock: Clock = () => performance.now()

interface Span {
  start: number
  end?: number
}

export class PhaseTimer {
  private readonly spans = new Map<string, Span>()
  private readonly dropped = new Set<string>()

  constructor(readonly clock: Clock = defaultClock) {}

  /** The step, its leaves counted in `phase` (a step may be in several: a node's create is also in `nodes`). */
  timed(phase: string, step: Step): Step {
    const wrapped: Step = {...step}
    if (step.run !== undefined) {
      wrapped.run = async (ctx) => {
        this.begin(phase)
        try {
          return await step.run?.(ctx)
        } finally {
          this.end(phase)
        }
      }
    }
    if (step.steps !== undefined) wrapped.steps = step.steps.map((s) => this.timed(phase, s))
    return wrapped
  }

  /** This run's step decided the phase does not apply (e.g. the deploy was skipped): it reads null. */
  drop(phase: string): void {
    this.dropped.add(phase)
  }

  begin(phase: string, at = this.clock()): void {
    const span = this.spans.get(phase)
    if (span === undefined) this.spans.set(phase, {start: at})
    else span.start = Math.min(span.start, at)
  }

  end(phase: string): void {
    const span = this.spans.get(phase)
    if (span !== undefined) span.end = Math.max(span.end ?? span.start, this.clock())
  }

  /** Clock time (ms) when the phase ended, if it ran. */
  endOf(phase: string): number | undefined {
    return this.dropped.has(phase) ? undefined : this.spans.get(phase)?.end
  }

  /** Seconds from the phase's first start to its last end (0.1 s precision), or null. */
  seconds(phase: string): number | null {
    const span = this.spans.get(phase)
    if (span?.end === undefined || this.dropped.has(phase)) return null
    return toSeconds(span.end - span.start)
  }
}

export function toSeconds(ms: number): number {
  return Math.round(Math.max(0, ms) / 100) / 10
}
