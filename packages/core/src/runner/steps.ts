/**
 * Turns a tree of Steps into listr2 tasks. A leaf's undo is registered on the run's UndoStack as
 * soon as its `run` resolves (even after the run was aborted); a leaf still running when the run
 * aborts fails at once with the abort's reason, and its late result is still tracked.
 */
import type {ListrRendererFactory, ListrTask, ListrTaskWrapper} from 'listr2'
import type {Logger} from '../contracts/extensions.js'
import {AiHowError} from '../errors.js'
import {raceAbort} from './abort.js'
import type {Step, StepContext} from './types.js'
import type {UndoStack} from './undo-stack.js'

/** listr2's context: unused, the runner keeps its state in closures. */
export type RunCtx = Record<string, never>
export type RunnerTask = ListrTask<RunCtx, ListrRendererFactory, ListrRendererFactory>
type Wrapper = ListrTaskWrapper<RunCtx, ListrRendererFactory, ListrRendererFactory>

/** What every step of one run shares. */
export interface StepRuntime {
  stack: UndoStack
  signal: AbortSignal
  /** Called when a leaf fails: cancels the steps still running. */
  failed(stepTitle: string): void
  /** The runner's logger (warnings of steps go there, prefixed with the step's title). */
  log: Logger
  verbose: boolean
}

function stepContext(task: Wrapper, step: Step, rt: StepRuntime): StepContext {
  const setOutput = (line: string): void => {
    task.output = line
  }
  return {
    signal: rt.signal,
    setTitle: (title) => {
      task.title = title
    },
    setOutput,
    log: {
      info: setOutput,
      warn: (m) => {
        rt.log.warn(`${step.title}: ${m}`)
      },
      debug: (m) => {
        if (rt.verbose) setOutput(m)
      },
    },
  }
}

function invalidStep(title: string): AiHowError {
  return new AiHowError(`task runner: step "${title}" needs exactly one of run() or steps`, {
    code: 'INVALID_STEP',
    actions: ['This is a bug in ai-how or a plugin: report it.'],
  })
}

/** The listr2 task of one step (recursively for groups). Throws on a step with neither or both of run/steps. */
export function toTask(step: Step, rt: StepRuntime): RunnerTask {
  const run = step.run?.bind(step)
  const steps = step.steps
  const skip = step.skip ?? false
  if (steps !== undefined && run === undefined) {
    const children = steps.map((s) => toTask(s, rt))
    return {
      title: step.title,
      skip,
      task: (_ctx, task) => {
        rt.signal.throwIfAborted()
        return task.newListr(children, {concurrent: step.concurrency ?? false, exitOnError: true})
      },
    }
  }
  if (run === undefined || steps !== undefined) throw invalidStep(step.title)
  return {
    title: step.title,
    skip,
    task: async (_ctx, task) => {
      rt.signal.throwIfAborted()
      const ctx = stepContext(task, step, rt)
      // An async wrapper turns a synchronous throw of `run` into a rejection like any other.
      const work = (async () => run(ctx))()
      rt.stack.track(work)
      try {
        await raceAbort(work, rt.signal)
      } catch (error) {
        rt.failed(step.title)
        throw error
      }
    },
  }
}
