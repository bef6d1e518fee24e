/**
 * The HPC Ansible inventory (reference §5.2, defects fixed): host names are the VM names, the
 * groups are hpc_controllers / hpc_compute_nodes / hpc_gpu_nodes under `hpc`, SSH goes through the
 * cluster's known_hosts (its path quoted) with strict host key checking, and only nodes that run
 * are listed when the live view is given. A value Ansible could not read back as it is (a control
 * character, a Jinja delimiter, a key path ssh would expand) is refused, naming it.
 */
import type {ClusterDescription, Inventory, InventoryGroup, InventoryHost, InventoryValue, NodeDescription} from '@ai-how/core'
import type {HpcClusterConfig} from '../kind/types.js'
import {assertInventoryVars} from './safe-values.js'
import {assertInventoryAccess, sshCommonArgs} from './ssh-args.js'

export interface InventoryAccess {
  user: string
  privateKeyPath: string
  knownHostsPath: string
}

export interface LiveNode {
  running: boolean
  ip?: string | undefined
}

const VENDORS: Record<string, string> = {'10de': 'nvidia', '1002': 'amd', '8086': 'intel'}

function gpus(node: NodeDescription): NodeDescription['devices'] {
  return node.devices.filter((d) => d.deviceType === 'gpu')
}

function gresLines(nodes: NodeDescription[]): string[] {
  const lines: string[] = []
  for (const node of nodes) {
    gpus(node).forEach((gpu, i) => {
      const vendor = gpu.vendorId ? VENDORS[gpu.vendorId] : undefined
      const type = vendor && gpu.deviceId ? ` Type=${vendor}_${gpu.deviceId}` : ''
      lines.push(`NodeName=${node.key} Name=gpu${type} File=/dev/nvidia${i}`)
    })
  }
  return lines
}

function hostVars(node: NodeDescription, access: InventoryAccess, commonArgs: string, ip: string): Record<string, InventoryValue> {
  const gpuCount = gpus(node).length
  const vars: Record<string, InventoryValue> = {
    ansible_host: ip,
    ansible_user: access.user,
    ansible_ssh_private_key_file: access.privateKeyPath,
    ansible_ssh_common_args: commonArgs,
    slurm_node_name: node.key,
    cpu_cores: node.cpuCores,
    memory_gb: node.memoryGb,
    disk_gb: node.diskGb,
    node_role: node.role === 'controller' ? 'controller' : gpuCount > 0 ? 'gpu_compute' : 'compute',
  }
  if (node.role !== 'controller') vars.has_gpu = gpuCount > 0
  if (gpuCount > 0) {
    vars.gpu_enabled = true
    vars.gpu_count = gpuCount
  }
  return vars
}

/**
 * Builds the inventory; with `live`, nodes that are not running are left out and live IPs win.
 * Throws INVENTORY_UNSAFE_VALUE (exit 2) when a value cannot go into an inventory.
 */
export function buildHpcInventory(cluster: ClusterDescription, section: HpcClusterConfig, access: InventoryAccess, live?: Map<string, LiveNode>): Inventory {
  assertInventoryAccess(access)
  const commonArgs = sshCommonArgs(access.knownHostsPath)
  const hosts: InventoryHost[] = []
  const listed: NodeDescription[] = []
  for (const node of cluster.nodes) {
    const state = live?.get(node.vmName)
    if (live && !state?.running) continue
    const ip = state?.ip ?? node.ip
    if (!ip) continue
    const vars = hostVars(node, access, commonArgs, ip)
    assertInventoryVars(node.vmName, vars)
    hosts.push({name: node.vmName, vars})
    listed.push(node)
  }
  const names = (pick: (n: NodeDescription) => boolean): string[] => listed.filter(pick).map((n) => n.vmName)
  const members: [string, string[]][] = [
    ['hpc_controllers', names((n) => n.role === 'controller')],
    ['hpc_compute_nodes', names((n) => n.role !== 'controller')],
    ['hpc_gpu_nodes', names((n) => n.role !== 'controller' && gpus(n).length > 0)],
  ]
  const groups: InventoryGroup[] = members.filter(([, h]) => h.length > 0).map(([name, h]) => ({name, hosts: h, children: [], vars: {}}))
  const controllerSpec = section.controller
  const parentVars: Record<string, InventoryValue> = {
    cluster_name: cluster.name,
    ansible_python_interpreter: '/usr/bin/python3',
    slurm_config: {...section.slurm_config},
    network: {subnet: cluster.network.subnet, bridge: cluster.network.bridge, gateway: cluster.network.gateway ?? null},
    virtio_fs_mounts: (controllerSpec.virtio_fs_mounts ?? []).map((m) => ({...m})),
    beegfs_enabled: section.storage?.beegfs?.enabled ?? false,
    beegfs_config: section.storage?.beegfs ? (JSON.parse(JSON.stringify(section.storage.beegfs)) as InventoryValue) : {},
    slurm_gres_conf: gresLines(listed),
  }
  assertInventoryVars('group hpc', parentVars, ['Fix this value in the hpc section of the config.'])
  groups.push({name: 'hpc', hosts: [], children: groups.map((g) => g.name), vars: parentVars})
  return {hosts, groups}
}
