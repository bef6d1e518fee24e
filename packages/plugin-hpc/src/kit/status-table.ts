/** The human form of `status`: a summary, one table row per node, the resource totals and any drift. */
import type {ClusterStatus} from '../vm/status-types.js'

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd())
}

function ipCell(ip: {configured: string | null; live: string | null}): string {
  const configured = ip.configured ?? 'DHCP'
  if (ip.live === null) return `${configured} / -`
  return ip.live === ip.configured ? configured : `${configured} / ${ip.live}`
}

export function renderStatusTable(s: ClusterStatus): string {
  const recorded = s.recorded_status === null ? 'no state entry' : `state file says ${s.recorded_status}`
  const shared = (o: {name: string; exists: boolean; active: boolean}): string => (o.exists ? `${o.name} (${o.active ? 'active' : 'inactive'})` : `${o.name} (absent)`)
  const lines = [
    `${s.kind} cluster ${s.name}: ${s.status} (${recorded})`,
    `  config:  ${s.config_file}`,
    `  libvirt: ${s.libvirt_uri}`,
    `  network: ${shared(s.network)} ${s.network.subnet} bridge ${s.network.bridge ?? '-'}`,
    `  pool:    ${shared(s.pool)}${s.pool.path === null ? '' : ` ${s.pool.path}`}`,
    '',
    ...table([
      ['NAME', 'ROLE', 'STATE', 'IP (configured / live)', 'VCPU', 'MEMORY GB', 'DISK GB', 'GPU'],
      ...s.nodes.map((n) => [n.name, n.role, n.suspended ? `${n.state} (suspended)` : n.state, ipCell(n.ip), String(n.vcpu), String(n.memory_gb), String(n.disk_gb), n.gpu ?? '-']),
    ]),
    '',
    `Total: ${s.resources.vcpu} vCPU, ${s.resources.memory_gb} GB memory, ${s.resources.disk_gb} GB disk, ${s.resources.gpus} GPU(s)`,
  ]
  if (s.drift.length === 0) lines.push('Drift: none')
  else lines.push('Drift:', ...s.drift.map((d) => `  ${d.kind}: ${d.object}: ${d.detail}`))
  return `${lines.join('\n')}\n`
}
