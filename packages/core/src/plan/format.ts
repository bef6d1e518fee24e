/** Human form of a plan: one line per object, grouped by cluster, then a count per action. */
import type {PlanReport} from '../contracts/extensions.js'

const MARK: Record<string, string> = {create: '+', keep: '=', change: '~', conflict: '!'}

function detailText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean)}`)
    .join(' ')
}

export function formatPlan(report: PlanReport, showXml: boolean): string {
  const lines = [`${report.kind} cluster ${report.cluster} on ${report.libvirtUri}:`]
  for (const item of report.items) {
    lines.push(`  ${MARK[item.action] ?? '?'} ${item.action.padEnd(8)} ${item.object.padEnd(7)} ${item.name}  (${item.reason})`)
    const details = detailText(item.details)
    if (details) lines.push(`      ${details}`)
    if (showXml && item.xml) lines.push(...item.xml.trimEnd().split('\n').map((l) => `      ${l}`))
  }
  const counts = ['create', 'change', 'keep', 'conflict'].map((a) => `${report.items.filter((i) => i.action === a).length} to ${a}`)
  lines.push(`  ${counts.join(', ')}`)
  return lines.join('\n')
}
