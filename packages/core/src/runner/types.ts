/**
 * Types of the task runner: a tree of steps, each of which may return how to undo what it created.
 * On failure or Ctrl+C the undo actions registered by this run execute in reverse order.
 */
import type {Logger} from '../contracts/extensions.js'

/** How to remove one thing that a step created. */
export interface Undo {
  /** Shown while undoing and listed in RunResult.undone / kept, e.g. 'domain mycluster-compute-01'. */
  title: string
  run(): Promise<void>
}

/** What a step's `run` receives. */
export interface StepContext {
  /** Aborted on Ctrl+C, on the caller's signal, or when another step failed: stop early. */
  signal: AbortSignal
  /** Lines shown under the step (progress); warnings reach stderr even under --json. */
  log: Logger
  setTitle(title: string): void
  /** One line of progress shown under the step. */
  setOutput(line: string): void
}

/**
 * One step: either `run` (a leaf) or `steps` (a group of sub-steps, run `concurrency` at a time;
 * default 1 = in order). A leaf returns the undo of what THIS step created, or nothing when it
 * created nothing (for example it reused an object that already existed).
 */
export interface Step {
  title: string
  run?(ctx: StepContext): Promise<Undo | Undo[] | undefined>
  steps?: Step[]
  concurrency?: number
  /** A reason shown when the step is skipped; false or absent runs it. */
  skip?: string | false
}

export interface RunOptions {
  /** --json: the silent renderer (nothing at all on stdout; failed undos still warn on stderr). */
  json?: boolean
  /** On failure, keep what this run created and list it (RunResult.kept) instead of undoing it. */
  keepOnFailure?: boolean
  /** Animated renderer when true, plain lines when false. Default: process.stderr.isTTY. */
  tty?: boolean
  /** The 'verbose' line renderer ([STARTED]/[COMPLETED]/[ROLLBACK] lines) and debug lines. */
  verbose?: boolean
  /** Aborting it behaves like Ctrl+C. */
  signal?: AbortSignal
  /** Where the runner's own summary and warnings go. Default: stderr (info suppressed under json). */
  log?: Logger
  /** Turn SIGINT into an abort (default true); a second Ctrl+C exits at once (code 130). */
  handleSigint?: boolean
}

export interface FailedUndo {
  title: string
  error: unknown
}

export interface RunResult {
  ok: boolean
  /** The original error (or the abort reason: an INTERRUPTED error for Ctrl+C). */
  error?: unknown
  /** Titles of the undo actions that ran successfully, in the order they ran. */
  undone: string[]
  /** What this run created and still exists: everything under keepOnFailure, else the undos that failed. */
  kept: string[]
  /** Undo actions that threw (the unwinding went on past them). */
  failedUndos: FailedUndo[]
}
