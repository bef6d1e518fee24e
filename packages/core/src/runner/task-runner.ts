/**
 * TaskRunner: runs a tree of steps under listr2 and, when a step fails or the run is interrupted
 * (Ctrl+C, or the caller's signal), undoes what THIS run created, newest first.
 *
 * listr2 9 runs `rollback` only for the task that failed, so every step sits under one root task
 * whose rollback unwinds the run's UndoStack; and since SIGINT rollback only exists in listr2 11,
 * the runner owns an AbortController wired to SIGINT (listr2's own listener is turned off).
 *
 * `run` resolves with a RunResult and never rejects for a failed step: the caller re-throws
 * `result.error` (an INTERRUPTED AiHowError after Ctrl+C) after using `undone` / `kept`.
 */
import {Listr} from 'listr2'
import {cancelledError, interruptedError, onSigint} from './abort.js'
import {stderrLogger} from './log.js'
import {renderOptions} from './render.js'
import type {FallbackRenderer, PrimaryRenderer} from './render.js'
import type {RunCtx, RunnerTask, StepRuntime} from './steps.js'
import {toTask} from './steps.js'
import {errorMessage, logFailureSummary} from './summary.js'
import type {RunOptions, RunResult, Step} from './types.js'
import type {UnwindReport} from './undo-stack.js'
import {UndoStack} from './undo-stack.js'

export class TaskRunner {
  constructor(private readonly options: RunOptions = {}) {}

  async run(title: string, steps: Step[]): Promise<RunResult> {
    const o = this.options
    const json = o.json ?? false
    const verbose = o.verbose ?? false
    const keep = o.keepOnFailure ?? false
    const log = o.log ?? stderrLogger({json, verbose})
    const stack = new UndoStack()
    const controller = new AbortController()
    let interrupted: unknown
    const interrupt = (reason: unknown): void => {
      interrupted ??= reason
      controller.abort(reason)
    }
    const rt: StepRuntime = {
      stack,
      signal: controller.signal,
      failed: (stepTitle) => {
        if (!controller.signal.aborted) controller.abort(cancelledError(stepTitle))
      },
      log,
      verbose,
    }
    const children = steps.map((s) => toTask(s, rt))
    if (o.signal?.aborted) return {ok: false, error: externalReason(o.signal, keep), undone: [], kept: [], failedUndos: []}

    let report: UnwindReport | undefined
    const root: RunnerTask = {
      title,
      task: (_ctx, task) => task.newListr(children, {exitOnError: true}),
    }
    if (!keep) {
      root.rollback = async (_ctx, task) => {
        rt.failed(title)
        task.title = `${title}: rolling back what this run created`
        await stack.settle()
        report = await stack.unwind({
          onStart: (undo, i, n) => {
            task.output = `undo ${i}/${n}: ${undo}`
          },
          onFail: (undo, error) => {
            task.output = `undo failed: ${undo}: ${errorMessage(error)}`
          },
        })
        task.title = `${title}: rolled back`
      }
    }
    const listr = new Listr<RunCtx, PrimaryRenderer, FallbackRenderer>([root], {
      ...renderOptions<RunCtx>({json, verbose, tty: o.tty ?? process.stderr.isTTY}),
      exitOnError: true,
      registerSignalListeners: false,
    })

    const external = o.signal
    const onExternalAbort = (): void => {
      if (external) interrupt(externalReason(external, keep))
    }
    external?.addEventListener('abort', onExternalAbort, {once: true})
    const removeSigint = (o.handleSigint ?? true) ? onSigint(() => { interrupt(interruptedError(keep)) }) : undefined
    try {
      await listr.run({})
      return {ok: true, undone: [], kept: [], failedUndos: []}
    } catch (error) {
      rt.failed(title)
      await stack.settle()
      const undone = [...(report?.undone ?? [])]
      const failedUndos = [...(report?.failed ?? [])]
      if (!keep && stack.size > 0) {
        // Undos registered after the rollback (a step that ignored the abort): unwind them too.
        const late = await stack.unwind({onStart: () => undefined, onFail: () => undefined})
        undone.push(...late.undone)
        failedUndos.push(...late.failed)
      }
      const kept = keep ? stack.titles() : failedUndos.map((f) => f.title)
      const result: RunResult = {ok: false, error: interrupted ?? error, undone, kept, failedUndos}
      logFailureSummary(log, result, keep)
      return result
    } finally {
      removeSigint?.()
      external?.removeEventListener('abort', onExternalAbort)
    }
  }
}

/** The error reported when the caller's signal aborted: its reason if it is an Error, else INTERRUPTED. */
function externalReason(signal: AbortSignal, keep: boolean): unknown {
  return signal.reason instanceof Error && signal.reason.name !== 'AbortError' ? signal.reason : interruptedError(keep)
}
