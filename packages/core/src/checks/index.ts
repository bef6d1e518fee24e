export {checkStatus, summarizeChecks, toCheckResult} from './check-result.js'
export type {CheckResult, CheckSummary} from './check-result.js'
export {anyCheckFailed, checkLines, checksJson, renderChecks, summaryLine} from './render-checks.js'
export type {ChecksJson} from './render-checks.js'
