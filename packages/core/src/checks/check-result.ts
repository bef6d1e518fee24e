/**
 * The one model of a check result that `doctor`, `validate --check-host` and `gpu check` report:
 * a plugin's HostCheckResult (ok, optional severity or status) becomes an explicit status.
 */
import type {CheckStatus, HostCheckResult} from '../contracts/extensions.js'

export interface CheckResult {
  id: string
  status: CheckStatus
  message: string
  /** Exact steps that fix it (empty when it passed). */
  fix: string[]
  /** Facts shown under the check (empty when none). */
  detail: string[]
}

export interface CheckSummary {
  total: number
  passed: number
  warnings: number
  failed: number
  skipped: number
}

export function checkStatus(result: HostCheckResult): CheckStatus {
  if (result.status !== undefined) return result.status
  if (result.ok) return 'ok'
  return result.severity === 'warning' ? 'warn' : 'fail'
}

export function toCheckResult(result: HostCheckResult): CheckResult {
  return {id: result.id, status: checkStatus(result), message: result.message, fix: [...result.fix], detail: [...(result.detail ?? [])]}
}

export function summarizeChecks(checks: readonly CheckResult[]): CheckSummary {
  const count = (status: CheckStatus): number => checks.filter((c) => c.status === status).length
  return {total: checks.length, passed: count('ok'), warnings: count('warn'), failed: count('fail'), skipped: count('skip')}
}
