/** Plain-text form of host check results: one line per check, the fix lines under each failure. */
import type {HostCheckResult} from '@ai-how/core'

export function renderChecks(results: readonly HostCheckResult[]): string {
  const lines: string[] = []
  for (const result of results) {
    lines.push(`${result.ok ? 'ok  ' : 'FAIL'}  ${result.message}`)
    if (result.ok) continue
    result.fix.forEach((step, i) => lines.push(`${i === 0 ? '      fix: ' : '           '}${step}`))
  }
  const failed = results.filter((r) => !r.ok).length
  lines.push('', failed === 0 ? `All ${results.length} passthrough checks passed.` : `${failed} of ${results.length} passthrough checks failed.`)
  return lines.join('\n')
}
