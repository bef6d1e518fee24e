/** The human lines (stderr) after start, stop and destroy; --json returns the result objects instead. */
import type {DestroyResult, StartResult, StopResult} from '../vm/results.js'
import {timingsLine} from '../vm/start-timings.js'

export function startSummary(r: StartResult): string {
  const deploy = r.deploy as {ran?: boolean; summary?: string; log_file?: string | null; reason?: string | null} | undefined
  const lines = [
    `✓ ${r.kind} cluster ${r.name} is ${r.status}: created ${r.created.length}, started ${r.started.length}, kept ${r.kept.length} VM(s)`,
    ...r.ssh_ready.map((s) => `  ${s.name}  ${s.host}  SSH ready after ${s.seconds} s`),
  ]
  if (r.restored.length > 0) lines.push(`  restored from suspend: ${r.restored.join(', ')}`)
  for (const c of r.clock) lines.push(c.method === 'none' ? `  ${c.name}  clock NOT corrected (${c.tried.join('; ')})` : `  ${c.name}  clock stepped by ${c.method} (was ${c.offset_before_s ?? '?'} s off, now ${c.offset_after_s ?? '?'} s)`)
  if (typeof r.inventory === 'string') lines.push(`  inventory: ${r.inventory}`)
  if (deploy?.ran === true) lines.push(`  deploy: ${deploy.summary ?? ''}${deploy.log_file ? ` (log ${deploy.log_file})` : ''}`)
  else if (deploy) lines.push(`  deploy: skipped (${deploy.reason ?? 'not asked for'})`)
  lines.push(`  state: ${r.state_file}`)
  if (r.timings !== undefined) lines.push(`  ${timingsLine(r.timings)}`)
  return lines.join('\n')
}

const HOW = {agent: 'guest agent', ssh: 'poweroff over SSH', acpi: 'ACPI', forced: 'FORCED off after the timeout', suspended: 'memory saved'} as const

export function stopSummary(r: StopResult): string {
  if (r.status === 'not_created') return `${r.kind} cluster ${r.name} has no VM: nothing to stop.`
  const forced = r.forced.length > 0 ? `; powered off after the timeout: ${r.forced.join(', ')}` : ''
  const mark = r.forced.length > 0 ? '!' : '✓'
  const nodes = r.nodes.map((n) => `  ${n.name}  ${n.method}  ${HOW[n.method]} (${n.seconds} s)`)
  // The warnings of forced nodes were logged (stderr) as they happened; --json carries them in `warnings`.
  const suspended = r.suspended.length > 0 ? `suspended ${r.suspended.length}, ` : ''
  return [`${mark} ${r.kind} cluster ${r.name} is ${r.status}: ${suspended}shut down ${r.stopped.length}, already off ${r.already_off.length}${forced}`, ...nodes].join('\n')
}

export function destroySummary(r: DestroyResult): string {
  if (r.archive === null) return `${r.kind} cluster ${r.name}: ai-how owns nothing of it and the state has no entry: nothing to destroy.`
  return [
    `✓ ${r.kind} cluster ${r.name} destroyed: ${r.domains.length} domain(s), ${r.pools.length} pool(s), ${r.networks.length} network(s) removed`,
    `  last state entry and logs: ${r.archive}`,
  ].join('\n')
}
