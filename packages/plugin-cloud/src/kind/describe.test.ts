import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import type {LoadedConfig, YamlPath} from '@ai-how/core'
import {parse} from 'yaml'
import {describeCloud} from './describe.js'
import type {CloudClusterConfig} from './types.js'

const examples = path.resolve(import.meta.dirname, '../../../../examples')
const CLOUD: YamlPath = ['clusters', 'cloud']

function load(file: string): {loaded: Omit<LoadedConfig, 'warnings'>; cloud: CloudClusterConfig} {
  const full = path.join(examples, file)
  const config = parse(readFileSync(full, 'utf8')) as LoadedConfig['config']
  const locator = {file: full, locate: () => ({line: 1, column: 1})}
  return {loaded: {file: full, dir: examples, tot: examples, config, locator}, cloud: config.clusters.cloud as CloudClusterConfig}
}

void describe('cloud describe()', () => {
  void it('names the control plane and the CPU / GPU workers of cloud-small', () => {
    const {loaded, cloud} = load('cloud-small.yaml')
    const cluster = describeCloud(cloud, loaded)
    assert.equal(cluster.kind, 'cloud')
    assert.equal(cluster.name, 'cloud-cluster')
    assert.deepEqual(cluster.namePath, [...CLOUD, 'name'])
    assert.deepEqual(
      cluster.nodes.map((n) => [n.key, n.vmName, n.role, n.ip, n.autoStart]),
      [
        ['control-plane', 'cloud-cluster-control-plane', 'kubernetes-control-plane', '192.168.200.10', true],
        ['cpu-worker-01', 'cloud-cluster-cpu-worker-01', 'kubernetes-worker', '192.168.200.11', true],
        ['gpu-worker-01', 'cloud-cluster-gpu-worker-01', 'kubernetes-worker', '192.168.200.12', false],
      ],
    )
    const [controlPlane, , gpuWorker] = cluster.nodes
    assert.ok(controlPlane && gpuWorker)
    assert.deepEqual(controlPlane.ipPath, [...CLOUD, 'control_plane', 'ip_address'])
    assert.deepEqual(gpuWorker.path, [...CLOUD, 'worker_nodes', 1])
    assert.deepEqual(gpuWorker.ipPath, [...CLOUD, 'worker_nodes', 1, 'ip'])
    const devicesPath = [...CLOUD, 'worker_nodes', 1, 'pcie_passthrough', 'devices']
    assert.deepEqual(gpuWorker.devices, [
      {pciAddress: '0000:01:00.0', deviceType: 'gpu', path: [...devicesPath, 0]},
      {pciAddress: '0000:01:00.1', deviceType: 'audio', path: [...devicesPath, 1]},
    ])
    assert.deepEqual(cluster.network.bridgePath, [...CLOUD, 'network', 'bridge'])
    assert.equal(cluster.network.gateway, '192.168.200.1')
  })

  void it('counts CPU and GPU workers separately, in list order', () => {
    const {loaded, cloud} = load('cloud-small.yaml')
    const [cpu, gpu] = cloud.worker_nodes
    assert.ok(cpu && gpu)
    const audioOnly = structuredClone(cpu)
    audioOnly.pcie_passthrough = {enabled: true, devices: [{pci_address: '0000:02:00.1', device_type: 'audio'}]}
    const disabledGpu = structuredClone(gpu)
    disabledGpu.pcie_passthrough = {enabled: false, devices: [{pci_address: '0000:03:00.0', device_type: 'gpu'}]}
    cloud.worker_nodes = [gpu, cpu, structuredClone(gpu), audioOnly, disabledGpu]
    const nodes = describeCloud(cloud, loaded).nodes.slice(1)
    assert.deepEqual(
      nodes.map((n) => [n.key, n.path.at(-1)]),
      [['gpu-worker-01', 0], ['cpu-worker-01', 1], ['gpu-worker-02', 2], ['cpu-worker-02', 3], ['cpu-worker-03', 4]],
    )
    assert.deepEqual(nodes[3]?.devices.map((d) => d.deviceType), ['audio'])
    assert.deepEqual(nodes[4]?.devices, [])
  })

  void it('describes the shared-GPU cloud cluster of hpc-and-cloud on its own subnet and bridge', () => {
    const {loaded, cloud} = load('hpc-and-cloud.yaml')
    const cluster = describeCloud(cloud, loaded)
    assert.deepEqual([cluster.network.subnet, cluster.network.bridge], ['192.168.200.0/24', 'virbr200'])
    assert.deepEqual(cluster.nodes.map((n) => n.key), ['control-plane', 'cpu-worker-01', 'gpu-worker-01'])
    assert.deepEqual(cluster.nodes[2]?.devices.map((d) => d.pciAddress), ['0000:01:00.0', '0000:01:00.1'])
  })
})
