/**
 * The Kubespray inventory of a cloud cluster (reference §5.1, its defects fixed): host names are
 * the VM names (cluster-prefixed), every host has `ip` and `access_ip`, SSH goes through the
 * cluster's key and known_hosts with strict host key checking, GPU workers carry node labels, and a
 * node that is not started is left out with a notice instead of silently.
 *
 * Groups: kube_control_plane and etcd (the control plane), kube_node (the workers), k8s_cluster
 * (children kube_control_plane and kube_node) and calico_rr (always empty).
 */
import type {ClusterDescription, Inventory, InventoryGroup, InventoryHost, InventoryValue, NodeDescription} from '@ai-how/core'
import {assertInventoryAccess, assertInventoryVars, sshCommonArgs} from '@ai-how/plugin-hpc'
import type {InventoryAccess, LiveNode} from '@ai-how/plugin-hpc'
import {CLOUD_ROLES} from '../kind/describe.js'
import type {CloudClusterConfig} from '../kind/types.js'

export const KUBESPRAY_GROUPS = {
  controlPlane: 'kube_control_plane',
  etcd: 'etcd',
  workers: 'kube_node',
  cluster: 'k8s_cluster',
  calicoRr: 'calico_rr',
} as const

/** Labels of a GPU worker (Kubespray's node_labels, applied with `kubectl label node`). */
export const GPU_NODE_LABEL = 'ai-how/gpu'
export const NVIDIA_GPU_PRESENT_LABEL = 'nvidia.com/gpu.present'
const NVIDIA_VENDOR_ID = '10de'

export type LeftOutReason = 'auto_start: false' | 'not running' | 'no IP address'

export interface LeftOutNode {
  /** Node key, e.g. gpu-worker-01. */
  key: string
  vmName: string
  reason: LeftOutReason
}

function gpuDevices(node: NodeDescription): NodeDescription['devices'] {
  return node.devices.filter((d) => d.deviceType === 'gpu')
}

/** The IP a node is reached at: the live one when known, else the configured one. */
function nodeIp(node: NodeDescription, live: Map<string, LiveNode> | undefined): string | undefined {
  return live?.get(node.vmName)?.ip ?? node.ip
}

function leftOutReason(node: NodeDescription, live: Map<string, LiveNode> | undefined): LeftOutReason | undefined {
  if (live === undefined) {
    if (!node.autoStart) return 'auto_start: false'
  } else if (live.get(node.vmName)?.running !== true) {
    return node.autoStart ? 'not running' : 'auto_start: false'
  }
  return nodeIp(node, live) === undefined ? 'no IP address' : undefined
}

/**
 * The nodes the inventory leaves out. Without a live view a node with auto_start: false is taken
 * as not started; with one, only running nodes are listed (a node started by hand is listed even
 * with auto_start: false). A node without a configured or live IP cannot be listed either.
 */
export function leftOutNodes(cluster: ClusterDescription, live?: Map<string, LiveNode>): LeftOutNode[] {
  return cluster.nodes.flatMap((node) => {
    const reason = leftOutReason(node, live)
    return reason === undefined ? [] : [{key: node.key, vmName: node.vmName, reason}]
  })
}

/** The line to print (on stderr) for a node the inventory leaves out. */
export function leftOutNotice(node: LeftOutNode): string {
  const why = {
    'auto_start: false': 'is not started (auto_start: false)',
    'not running': 'is not running',
    'no IP address': 'has no IP address yet (DHCP and no lease found)',
  }[node.reason]
  return `${node.key} (${node.vmName}) ${why}: left out of the inventory`
}

function hostVars(node: NodeDescription, access: InventoryAccess, commonArgs: string, ip: string): Record<string, InventoryValue> {
  const vars: Record<string, InventoryValue> = {
    ansible_host: ip,
    ip,
    access_ip: ip,
    ansible_user: access.user,
    // Kubespray's playbooks do not set become themselves (its docs run them with --become).
    ansible_become: true,
    ansible_ssh_private_key_file: access.privateKeyPath,
    ansible_ssh_common_args: commonArgs,
  }
  const gpus = gpuDevices(node)
  if (node.role !== CLOUD_ROLES.controlPlane && gpus.length > 0) {
    const labels: Record<string, InventoryValue> = {[GPU_NODE_LABEL]: 'true'}
    // Vendor unknown (no vendor_id in the config) is taken as NVIDIA, the GPUs ai-how targets.
    if (gpus.some((g) => g.vendorId === undefined || g.vendorId.toLowerCase() === NVIDIA_VENDOR_ID)) labels[NVIDIA_GPU_PRESENT_LABEL] = 'true'
    vars.node_labels = labels
    vars.gpu_count = gpus.length
  }
  return vars
}

function group(name: string, hosts: string[], children: string[] = []): InventoryGroup {
  return {name, hosts, children, vars: {}}
}

/**
 * Builds the inventory of the nodes that are not left out (see leftOutNodes); with `live`, live
 * IPs win over configured ones. Throws when a value cannot go into an inventory (a control
 * character in a path or the user, a Jinja delimiter, a key path that Ansible cannot pass to ssh).
 */
export function buildCloudInventory(cluster: ClusterDescription, section: CloudClusterConfig, access: InventoryAccess, live?: Map<string, LiveNode>): Inventory {
  assertInventoryAccess(access)
  if (section.name !== cluster.name) throw new Error(`cluster description ${cluster.name} does not belong to section ${section.name}`)
  const commonArgs = sshCommonArgs(access.knownHostsPath)
  const left = new Set(leftOutNodes(cluster, live).map((n) => n.vmName))
  const listed = cluster.nodes.filter((n) => !left.has(n.vmName))
  const hosts: InventoryHost[] = listed.map((node) => {
    const vars = hostVars(node, access, commonArgs, nodeIp(node, live) ?? '')
    assertInventoryVars(node.vmName, vars)
    return {name: node.vmName, vars}
  })
  const names = (role: string): string[] => listed.filter((n) => n.role === role).map((n) => n.vmName)
  const controlPlane = names(CLOUD_ROLES.controlPlane)
  return {
    hosts,
    groups: [
      group(KUBESPRAY_GROUPS.controlPlane, controlPlane),
      group(KUBESPRAY_GROUPS.etcd, controlPlane),
      group(KUBESPRAY_GROUPS.workers, names(CLOUD_ROLES.worker)),
      group(KUBESPRAY_GROUPS.cluster, [], [KUBESPRAY_GROUPS.controlPlane, KUBESPRAY_GROUPS.workers]),
      group(KUBESPRAY_GROUPS.calicoRr, []),
    ],
  }
}

/** The inventory with `vars` set on k8s_cluster (so that one file carries the Kubespray settings). */
export function withClusterVars(inventory: Inventory, vars: Record<string, InventoryValue>): Inventory {
  return {
    hosts: inventory.hosts,
    groups: inventory.groups.map((g) => (g.name === KUBESPRAY_GROUPS.cluster ? {...g, vars: {...g.vars, ...vars}} : g)),
  }
}
