// Kind-neutral pieces of the `ai-how <kind> ...` commands, for the hpc kind, plugin-cloud and
// third-party VM kinds: shared flags, the human summaries and status table, the destroy
// confirmation, and what a provisioner builds from its context (deps, run settings).
export {forceFlag, keepOnFailureFlag, redeployFlag, skipDeployFlag, sshTimeoutFlag, stopTimeoutFlag, strictCloudInitFlag, suspendFlag} from './flags.js'
export {destroySummary, startSummary, stopSummary} from './summaries.js'
export {renderStatusTable} from './status-table.js'
export {confirmDestroy} from './confirm.js'
export {destroyWithConfirmation} from './destroy.js'
export type {DestroyCommandIo} from './destroy.js'
export type {ConfirmInput} from './confirm.js'
export {DEFAULT_STOP_TIMEOUT_S, destroyConfirmed, kindExtensions, runSettings, stopTimeoutMs, virshDeps, virshDepsWith} from './run-settings.js'
export type {DepsFactory} from './run-settings.js'
