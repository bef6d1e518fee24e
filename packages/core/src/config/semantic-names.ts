/** Cluster names: every libvirt object, key pair and state entry of a cluster is named after it, so no two clusters may share one. */
import type {ClusterDescription} from '../contracts/cluster.js'
import type {ConfigIssue, SourceLocator} from '../contracts/config.js'
import {issueAt} from './issue.js'

/** One `cluster.duplicate-name` error at each cluster whose name an earlier cluster (of another kind) already has. */
export function clusterNameIssues(clusters: readonly ClusterDescription[], locator: SourceLocator): ConfigIssue[] {
  const first = new Map<string, ClusterDescription>()
  const issues: ConfigIssue[] = []
  for (const cluster of clusters) {
    const earlier = first.get(cluster.name)
    if (earlier === undefined) {
      first.set(cluster.name, cluster)
      continue
    }
    const line = locator.locate(earlier.namePath).line
    issues.push(
      issueAt(locator, cluster.namePath, {
        code: 'cluster.duplicate-name',
        message: `cluster name "${cluster.name}" of ${cluster.kind} is also the name of ${earlier.kind} (line ${line}): the two clusters would share their libvirt network, storage pool, base volume and SSH keys`,
        fix: `give each cluster its own name (e.g. ${earlier.name}-${earlier.kind} and ${cluster.name}-${cluster.kind})`,
      }),
    )
  }
  return issues
}
