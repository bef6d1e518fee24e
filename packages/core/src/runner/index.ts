export {TaskRunner} from './task-runner.js'
export {INTERRUPTED, CANCELLED} from './abort.js'
export type {Undo, Step, StepContext, RunOptions, RunResult, FailedUndo} from './types.js'
