// DevboxManager: the VM base lifecycle (ClusterManager of @ai-how/plugin-hpc) plus what a devbox adds:
// once every box answers SSH, the command that logs in to each box, in the start result and in the
// state entry. Everything else (network, pool, volumes, seeds, domains, SSH wait, rollback, stop,
// status, destroy, the state file) is the base class's.
import {ClusterManager, inventoryAccess, liveNodesOfRun} from '@ai-how/plugin-hpc'

export class DevboxManager extends ClusterManager {
  /**
   * `ssh ...` for each running box, by VM name.
   * @param {import('@ai-how/plugin-hpc').StartRecord} record
   * @returns {Record<string, string>}
   */
  logins(record) {
    const access = inventoryAccess(this.spec)
    const ssh = (ip) => `ssh -i ${access.privateKeyPath} -o UserKnownHostsFile=${access.knownHostsPath} ${access.user}@${ip}`
    const live = [...liveNodesOfRun(record)].filter(([, node]) => node.running && node.ip !== undefined)
    return Object.fromEntries(live.map(([name, node]) => [name, ssh(node.ip)]))
  }

  /** @param {import('@ai-how/plugin-hpc').StartRecord} record */
  entryExtras(record) {
    return {logins: this.logins(record)}
  }

  /** @param {import('@ai-how/plugin-hpc').StartRecord} record */
  resultExtras(record) {
    return {logins: this.logins(record)}
  }

  /** A stopped box has no login: the entry of a stopped cluster keeps none. */
  stoppedEntryExtras() {
    return {logins: {}}
  }
}
