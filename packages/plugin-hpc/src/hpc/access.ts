/** How Ansible reaches an hpc cluster's VMs: the login user, the cluster key and its known_hosts. */
import type {InventoryAccess} from '../inventory/hpc-inventory.js'
import {clusterKeyPath} from '../ssh/keypair.js'
import type {VmClusterSpec} from '../vm/types.js'

export function inventoryAccess(spec: VmClusterSpec): InventoryAccess {
  return {
    user: spec.ssh.user,
    privateKeyPath: spec.ssh.privateKeyPath ?? clusterKeyPath(spec.outputDir, spec.cluster.name),
    knownHostsPath: spec.ssh.knownHostsFile,
  }
}
