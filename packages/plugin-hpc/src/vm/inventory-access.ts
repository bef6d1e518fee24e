/** How Ansible reaches a cluster's VMs (any kind): the login user, the cluster key and its known_hosts. */
import type {InventoryAccess} from '../inventory/hpc-inventory.js'
import {clusterKeyPath} from '../ssh/keypair.js'
import type {VmClusterSpec} from './types.js'

export function inventoryAccess(spec: VmClusterSpec): InventoryAccess {
  return {
    user: spec.ssh.user,
    privateKeyPath: spec.ssh.privateKeyPath ?? clusterKeyPath(spec.outputDir, spec.cluster.name),
    knownHostsPath: spec.ssh.knownHostsFile,
  }
}
