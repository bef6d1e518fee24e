/** Device and CPU checks: a PCI device twice in one cluster, GPUs shared across clusters, cpu topology. */
import type {ClusterDescription, CpuTopology, NodeDescription, PassthroughDevice} from '../contracts/cluster.js'
import type {ConfigIssue, SourceLocator, YamlPath} from '../contracts/config.js'
import {issueAt} from './issue.js'
import {formatPath} from './positions.js'

interface Use {
  cluster: ClusterDescription
  node: NodeDescription
  device: PassthroughDevice
}

/** `0000:01:00.1` → `0000:01:00` (the physical card that holds every function). */
function slotOf(address: string): string {
  return address.replace(/\.[0-7]$/, '')
}

function listUsers(uses: readonly Use[]): string {
  const names = uses.map((u) => `${u.cluster.kind} (${u.node.key})`)
  return names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`
}

function duplicatesWithin(cluster: ClusterDescription, locator: SourceLocator, issues: ConfigIssue[]): Map<string, Use> {
  const first = new Map<string, Use>()
  for (const node of cluster.nodes) {
    for (const device of node.devices) {
      const address = device.pciAddress.toLowerCase()
      const earlier = first.get(address)
      if (earlier) {
        const owner = earlier.node === node ? 'the same node' : `node ${earlier.node.key}`
        issues.push(issueAt(locator, device.path, {
          code: 'pci.duplicate',
          message: `PCI device ${address} is listed twice in ${cluster.kind}: already passed through to ${owner}`,
          fix: 'a device can be passed through to one VM of a cluster only: remove one of the entries',
        }))
      } else {
        first.set(address, {cluster, node, device})
      }
    }
  }
  return first
}

function sharedAcross(perCluster: readonly Map<string, Use>[], locator: SourceLocator): ConfigIssue[] {
  const byAddress = new Map<string, Use[]>()
  for (const uses of perCluster) {
    for (const [address, use] of uses) byAddress.set(address, [...(byAddress.get(address) ?? []), use])
  }
  const shared = [...byAddress].filter(([, uses]) => uses.length > 1)
  const gpuSlots = new Set(shared.filter(([, uses]) => uses.some((u) => u.device.deviceType === 'gpu')).map(([a]) => slotOf(a)))
  const warnings: ConfigIssue[] = []
  for (const [address, uses] of shared) {
    const isGpu = uses.some((u) => u.device.deviceType === 'gpu')
    if (!isGpu && gpuSlots.has(slotOf(address))) continue
    const last = uses.at(-1)
    if (!last) continue
    warnings.push(issueAt(locator, last.device.path, {
      severity: 'warning',
      code: isGpu ? 'gpu.shared' : 'pci.shared',
      message: `shared ${isGpu ? 'GPU' : 'PCI device'} ${address} used by ${listUsers(uses)}; only one VM can hold it at a time`,
      fix: 'set auto_start: false on all but one of these nodes; starting a node whose device is held by another VM fails and names the holder',
    }))
  }
  return warnings
}

/** One issue per topology field: a cluster-wide topology that misfits several nodes is reported once. */
function topologyIssues(clusters: readonly ClusterDescription[], locator: SourceLocator): ConfigIssue[] {
  const groups = new Map<string, {path: YamlPath; topology: CpuTopology; nodes: {cluster: ClusterDescription; node: NodeDescription}[]}>()
  for (const cluster of clusters) {
    for (const node of cluster.nodes) {
      const t = node.cpuTopology
      if (!t || t.sockets * t.cores * t.threads === node.cpuCores) continue
      const path = node.cpuTopologyPath ?? node.path
      const key = formatPath(path)
      const group = groups.get(key) ?? {path, topology: t, nodes: []}
      group.nodes.push({cluster, node})
      groups.set(key, group)
    }
  }
  return [...groups.values()].map(({path, topology: t, nodes}) => {
    const product = t.sockets * t.cores * t.threads
    const shape = `${t.sockets} sockets x ${t.cores} cores x ${t.threads} threads = ${product} vCPUs`
    const [only] = nodes
    const message = nodes.length === 1 && only
      ? `cpu topology of ${only.cluster.kind} node ${only.node.key} gives ${shape}, but cpu_cores is ${only.node.cpuCores}`
      : `cpu topology gives ${shape}, but cpu_cores is ${nodes.map((n) => `${n.node.cpuCores} on ${n.cluster.kind} node ${n.node.key}`).join(', ')}`
    const cores = [...new Set(nodes.map((n) => n.node.cpuCores))].join(', ')
    return issueAt(locator, path, {code: 'cpu.topology', message, fix: `set cpu_cores: ${product}, or change the topology so that sockets x cores x threads = ${cores}`})
  })
}

/** Device and topology issues (errors) and shared-device findings (warnings). */
export function deviceIssues(clusters: readonly ClusterDescription[], locator: SourceLocator): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  const perCluster = clusters.map((cluster) => duplicatesWithin(cluster, locator, issues))
  issues.push(...topologyIssues(clusters, locator))
  return [...issues, ...sharedAcross(perCluster, locator)]
}
