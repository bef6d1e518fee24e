/**
 * The cluster the libvirt golden files are rendered from: an hpc cluster "demo" with a controller,
 * a CPU compute node and a GPU compute node (plus the GPU plugin's hostdev fragments).
 */
import type {ClusterDescription, NodeContribution, NodeDescription} from '@ai-how/core'

function node(key: string, role: string, ip: string, extra: Partial<NodeDescription> = {}): NodeDescription {
  return {
    key,
    vmName: `demo-${key}`,
    role,
    ip,
    path: ['clusters', 'hpc', key],
    ipPath: ['clusters', 'hpc', key, 'ip'],
    cpuCores: 4,
    memoryGb: 8,
    diskGb: 40,
    devices: [],
    autoStart: true,
    ...extra,
  }
}

export const controller = node('controller', 'controller', '192.168.150.10')
export const compute = node('compute-01', 'compute', '192.168.150.11', {cpuTopology: {sockets: 2, cores: 2, threads: 1}})
export const gpuCompute = node('compute-02', 'compute', '192.168.150.12', {
  cpuCores: 8,
  memoryGb: 16,
  devices: [
    {pciAddress: '0000:65:00.0', deviceType: 'gpu', vendorId: '10de', deviceId: '2230', path: []},
    {pciAddress: '0000:65:00.1', deviceType: 'audio', vendorId: '10de', deviceId: '1aef', path: []},
  ],
})

export const cluster: ClusterDescription = {
  kind: 'hpc',
  name: 'demo',
  namePath: ['clusters', 'hpc', 'name'],
  network: {subnet: '192.168.150.0/24', bridge: 'br-demo', path: [], subnetPath: [], bridgePath: []},
  nodes: [controller, compute, gpuCompute],
}

/** What the GPU plugin contributes for gpuCompute: one hostdev per function, ROM BAR on the GPU. */
export const gpuContribution: NodeContribution = {
  devicesXml: [
    "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x65' slot='0x00' function='0x0'/></source><rom bar='on'/></hostdev>",
    "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x65' slot='0x00' function='0x1'/></source></hostdev>",
  ],
  disableGraphics: true,
  summary: 'NVIDIA GA102GL [RTX A6000] (0000:65:00.0)',
}

export const POOL_DIR = '/var/lib/libvirt/images/demo'
export const LOG_DIR = '/var/log/ai-how/demo'

/** Paths and names the VM layer passes to the domain view builder for one node. */
export function paths(n: NodeDescription): {diskPath: string; seedIsoPath: string; consoleLogPath: string; ownedVolumes: {pool: string; volume: string}[]} {
  return {
    diskPath: `${POOL_DIR}/${n.vmName}.qcow2`,
    seedIsoPath: `${POOL_DIR}/${n.vmName}-seed.iso`,
    consoleLogPath: `${LOG_DIR}/${n.vmName}-console.log`,
    ownedVolumes: [
      {pool: 'demo-pool', volume: `${n.vmName}.qcow2`},
      {pool: 'demo-pool', volume: `${n.vmName}-seed.iso`},
    ],
  }
}
