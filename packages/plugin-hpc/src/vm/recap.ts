/**
 * Reads Ansible's PLAY RECAP against the hosts that should have been deployed: a host missing from
 * the recap (it matched no play, or the inventory did not list it), unreachable, or failed makes
 * the deploy a failure even when ansible-playbook exited 0.
 */
import type {ClusterContext, DeployProgress} from '@ai-how/core'

export interface RecapCounts {
  ok: number
  changed: number
  unreachable: number
  failed: number
  skipped: number
}

const LINE = /^(\S+)\s*:\s*(.*)$/

export function parseRecap(lines: readonly string[]): Map<string, RecapCounts> {
  const hosts = new Map<string, RecapCounts>()
  for (const line of lines) {
    const m = LINE.exec(line.trim())
    if (!m?.[1] || !m[2]) continue
    const counts = new Map([...m[2].matchAll(/(\w+)=(\d+)/g)].map((c): [string, number] => [c[1] ?? '', Number(c[2])]))
    const ok = counts.get('ok')
    if (ok === undefined) continue
    const n = (name: string): number => counts.get(name) ?? 0
    hosts.set(m[1], {ok, changed: n('changed'), unreachable: n('unreachable'), failed: n('failed'), skipped: n('skipped')})
  }
  return hosts
}

/** What is wrong with the recap for `expected` hosts (empty: every host was deployed). */
export function recapProblems(lines: readonly string[], expected: readonly string[]): string[] {
  const hosts = parseRecap(lines)
  const problems: string[] = []
  for (const host of expected) {
    const c = hosts.get(host)
    if (c === undefined) problems.push(`${host} is not in the PLAY RECAP: no play ran on it (it matched no host pattern, or the inventory did not list it)`)
    else if (c.unreachable > 0) problems.push(`${host} was unreachable`)
    else if (c.failed > 0) problems.push(`${host} had ${c.failed} failed task(s)`)
    else if (c.ok === 0) problems.push(`${host} ran no task (every task was skipped)`)
  }
  return problems
}

/** The hosts a deploy must cover: the manager's (`progress.hosts`), else every node that starts with the cluster. */
export function expectedHosts(ctx: Pick<ClusterContext, 'cluster'>, progress?: DeployProgress): readonly string[] {
  return progress?.hosts ?? ctx.cluster.nodes.filter((n) => n.autoStart).map((n) => n.vmName)
}
