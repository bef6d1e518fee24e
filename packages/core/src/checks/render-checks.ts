/**
 * The one renderer of check results, for `doctor`, `validate --check-host` and `gpu check`: one
 * line per check (✓ passed, ! warning, ✗ failed, - skipped), its detail and fix lines under it,
 * and a summary with the counts that says "All N checks passed." only when every check passed.
 */
import type {HostCheckResult} from '../contracts/extensions.js'
import {summarizeChecks, toCheckResult} from './check-result.js'
import type {CheckResult, CheckSummary} from './check-result.js'

const MARK = {ok: '✓', warn: '!', fail: '✗', skip: '-'} as const
const INDENT = '    '
const FIX = `${INDENT}fix: `

/** The lines of one check: mark and message, then its detail, then its fix steps. */
export function checkLines(check: CheckResult): string[] {
  const lines = [`${MARK[check.status]} ${check.message}`]
  for (const line of check.detail) lines.push(`${INDENT}${line}`)
  check.fix.forEach((step, i) => lines.push(`${i === 0 ? FIX : ' '.repeat(FIX.length)}${step}`))
  return lines
}

export function summaryLine(summary: CheckSummary): string {
  if (summary.total > 0 && summary.passed === summary.total) return `All ${summary.total} checks passed.`
  const parts = [
    summary.failed > 0 ? `${summary.failed} failed` : '',
    summary.warnings > 0 ? `${summary.warnings} ${summary.warnings === 1 ? 'warning' : 'warnings'}` : '',
    `${summary.passed} passed`,
    summary.skipped > 0 ? `${summary.skipped} skipped` : '',
  ].filter((p) => p !== '')
  const verdict = summary.failed > 0 ? '' : summary.warnings > 0 ? ' (nothing blocks, see the warnings)' : ' (no problem found)'
  return `${summary.total} checks: ${parts.join(', ')}${verdict}.`
}

/** The whole text: every check's lines, then the summary line. */
export function renderChecks(results: readonly HostCheckResult[]): string {
  const checks = results.map(toCheckResult)
  return [...checks.flatMap(checkLines), summaryLine(summarizeChecks(checks))].join('\n')
}

/** The --json form shared by the three commands (each adds its own fields and format_version). */
export interface ChecksJson {
  /** True when no check failed (warnings and skips do not make it false). */
  ok: boolean
  summary: CheckSummary
  checks: CheckResult[]
}

export function checksJson(results: readonly HostCheckResult[]): ChecksJson {
  const checks = results.map(toCheckResult)
  const summary = summarizeChecks(checks)
  return {ok: summary.failed === 0, summary, checks}
}

/** True when a check failed: the command exits non-zero. */
export function anyCheckFailed(results: readonly HostCheckResult[]): boolean {
  return results.some((r) => toCheckResult(r).status === 'fail')
}
