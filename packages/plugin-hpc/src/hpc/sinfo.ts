/**
 * Reading Slurm's view of its nodes: `sinfo -N -h -o '%N|%T|%E'` on the controller (node, extended
 * state, reason). A node is healthy in state idle, mixed or allocated; a suffix (`*` not responding,
 * `~` powered off, `#` powering up, `!`/`%` powering down, `$` maintenance, `@` reboot pending) or
 * any other state (down, drained, draining, unknown, ...) is not.
 */
export const SINFO_COMMAND = ['sinfo', '-N', '-h', '-o', '%N|%T|%E'] as const

export interface SlurmNode {
  name: string
  state: string
  /** Slurm's reason (`%E`), null when it has none. */
  reason: string | null
}

const HEALTHY = new Set(['idle', 'mixed', 'allocated'])

/** One entry per node (sinfo -N lists a node once per partition). */
export function parseSinfo(stdout: string): SlurmNode[] {
  const nodes = new Map<string, SlurmNode>()
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue
    const [name = '', state = '', ...rest] = line.trim().split('|')
    const reason = rest.join('|').trim()
    if (name === '' || nodes.has(name)) continue
    nodes.set(name, {name, state: state.trim().toLowerCase(), reason: reason === '' || reason === 'none' ? null : reason})
  }
  return [...nodes.values()]
}

export function nodeHealthy(node: SlurmNode): boolean {
  return HEALTHY.has(node.state)
}

export interface SlurmView {
  healthy: boolean
  /** Expected compute nodes in a healthy state, e.g. "2/2". */
  nodes_up: string
  nodes: SlurmNode[]
  /** Expected nodes that are not healthy, each with Slurm's state and reason; or that Slurm does not know. */
  problems: string[]
}

/** Judges sinfo's nodes against the compute nodes that should be up (`expected`, VM names). */
export function judgeSlurm(nodes: readonly SlurmNode[], expected: readonly string[]): SlurmView {
  const byName = new Map(nodes.map((n) => [n.name, n]))
  const problems: string[] = []
  let up = 0
  for (const name of expected) {
    const node = byName.get(name)
    if (node === undefined) problems.push(`${name}: not known to Slurm (missing from slurm.conf)`)
    else if (nodeHealthy(node)) up++
    else problems.push(`${name}: ${node.state}${node.reason === null ? '' : ` (${node.reason})`}`)
  }
  return {healthy: problems.length === 0, nodes_up: `${up}/${expected.length}`, nodes: [...nodes], problems}
}
