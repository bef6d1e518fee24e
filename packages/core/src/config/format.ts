/** Human form of config issues: `file:line:col  error  path  message` then `    fix: ...`, and a count line. */
import type {ConfigIssue} from '../contracts/config.js'

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** `3 errors, 1 warning` (or `no issues`). */
export function countIssues(issues: readonly ConfigIssue[]): string {
  const errors = issues.filter((i) => i.severity === 'error').length
  const warnings = issues.length - errors
  const parts = [errors > 0 ? plural(errors, 'error') : '', warnings > 0 ? plural(warnings, 'warning') : ''].filter(Boolean)
  return parts.length > 0 ? parts.join(', ') : 'no issues'
}

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}  ${issue.severity}  ${issue.path}  ${issue.message}\n    fix: ${issue.fix}`
}

/** Every issue, in the given order, then the count line. */
export function formatIssues(issues: readonly ConfigIssue[]): string {
  return [...issues.map(formatIssue), countIssues(issues)].join('\n')
}
