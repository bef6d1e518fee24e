import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {formatPath} from '@ai-how/core'
import type {LoadedConfig, YamlPath} from '@ai-how/core'
import {LineCounter, parseDocument} from 'yaml'
import {resolveLibvirtUri} from './describe/cluster.js'
import {firstHost} from './describe/network.js'
import {checkHpc, describeHpc} from './hpc-describe.js'
import type {HpcClusterConfig} from './types.js'

const examples = path.resolve(import.meta.dirname, '../../../../examples')

/** Parses an example the way the loader sees it (no variable expansion: paths stay relative). */
function load(file: string): {loaded: Omit<LoadedConfig, 'warnings'>; hpc: HpcClusterConfig} {
  const full = path.join(examples, file)
  const lineCounter = new LineCounter()
  const doc = parseDocument(readFileSync(full, 'utf8'), {lineCounter})
  const config = doc.toJS() as LoadedConfig['config']
  const locate = (at: YamlPath) => {
    const node = doc.getIn(at, true) as {range?: [number, number, number]} | undefined
    const pos = lineCounter.linePos(node?.range?.[0] ?? 0)
    return {line: pos.line, column: pos.col}
  }
  const loaded = {file: full, dir: examples, tot: examples, config, locator: {file: full, locate}}
  return {loaded, hpc: config.clusters.hpc as HpcClusterConfig}
}

const HPC: YamlPath = ['clusters', 'hpc']

void describe('hpc describe()', () => {
  void it('names the controller and the compute nodes in list order, with their paths', () => {
    const {loaded, hpc} = load('hpc-small.yaml')
    const cluster = describeHpc(hpc, loaded)
    assert.equal(cluster.kind, 'hpc')
    assert.equal(cluster.name, 'hpc-cluster')
    assert.deepEqual(cluster.namePath, [...HPC, 'name'])
    assert.deepEqual(
      cluster.nodes.map((n) => [n.key, n.vmName, n.role, n.ip]),
      [
        ['controller', 'hpc-cluster-controller', 'controller', '192.168.100.10'],
        ['compute-01', 'hpc-cluster-compute-01', 'compute', '192.168.100.11'],
        ['compute-02', 'hpc-cluster-compute-02', 'compute', '192.168.100.12'],
      ],
    )
    const [controller, , compute2] = cluster.nodes
    assert.ok(controller && compute2)
    assert.deepEqual(controller.path, [...HPC, 'controller'])
    assert.deepEqual(controller.ipPath, [...HPC, 'controller', 'ip_address'])
    assert.deepEqual(compute2.path, [...HPC, 'compute_nodes', 1])
    assert.deepEqual(compute2.ipPath, [...HPC, 'compute_nodes', 1, 'ip'])
    assert.deepEqual([compute2.cpuCores, compute2.memoryGb, compute2.diskGb], [8, 16, 100])
  })

  void it('lists passthrough devices only on the node that enables them, with item paths', () => {
    const {loaded, hpc} = load('hpc-small.yaml')
    const [controller, compute1, compute2] = describeHpc(hpc, loaded).nodes
    assert.deepEqual(controller?.devices, [])
    assert.deepEqual(compute1?.devices, [])
    const devicesPath = [...HPC, 'compute_nodes', 1, 'pcie_passthrough', 'devices']
    assert.deepEqual(compute2?.devices, [
      {pciAddress: '0000:01:00.0', deviceType: 'gpu', path: [...devicesPath, 0]},
      {pciAddress: '0000:01:00.1', deviceType: 'audio', path: [...devicesPath, 1]},
    ])
    const passthrough = hpc.compute_nodes[1]?.pcie_passthrough
    assert.ok(passthrough)
    passthrough.enabled = false
    assert.deepEqual(describeHpc(hpc, loaded).nodes[2]?.devices, [])
  })

  void it('puts the shared GPU on compute node 1 of hpc-and-cloud, lower-casing PCI addresses and ids', () => {
    const {loaded, hpc} = load('hpc-and-cloud.yaml')
    const device = hpc.compute_nodes[0]?.pcie_passthrough?.devices?.[0]
    assert.ok(device)
    Object.assign(device, {pci_address: '0000:0A:00.0', vendor_id: '10DE', device_id: '2230'})
    const [, compute1, compute2] = describeHpc(hpc, loaded).nodes
    assert.deepEqual(compute1?.devices.map((d) => [d.pciAddress, d.vendorId, d.deviceId]), [['0000:0a:00.0', '10de', '2230'], ['0000:01:00.1', undefined, undefined]])
    assert.deepEqual(compute2?.devices, [])
  })

  void it('fills the network with its paths and the default gateway', () => {
    const {loaded, hpc} = load('hpc-small.yaml')
    assert.deepEqual(describeHpc(hpc, loaded).network, {
      subnet: '192.168.100.0/24',
      bridge: 'virbr100',
      gateway: '192.168.100.1',
      path: [...HPC, 'network'],
      subnetPath: [...HPC, 'network', 'subnet'],
      bridgePath: [...HPC, 'network', 'bridge'],
    })
    assert.equal(firstHost('10.1.2.128/25'), '10.1.2.129')
    hpc.network.gateway_ip = '192.168.100.254'
    assert.equal(describeHpc(hpc, loaded).network.gateway, '192.168.100.254')
  })

  void it('applies defaults and overrides: autoStart, DHCP, base image, cpu topology', () => {
    const {loaded, hpc} = load('hpc-small.yaml')
    hpc.base_image_path = 'images/base.qcow2'
    const first = hpc.compute_nodes[0]
    assert.ok(first)
    Object.assign(first, {ip: 'DHCP', auto_start: false, base_image_path: '/abs/node.qcow2'})
    hpc.hardware = {acceleration: {cpu_topology: {sockets: 1, cores: 4, threads: 2}}}
    const [controller, compute1] = describeHpc(hpc, loaded).nodes
    assert.ok(controller && compute1)
    assert.equal(controller.autoStart, true)
    assert.equal(controller.baseImagePath, path.join(examples, 'images/base.qcow2'))
    assert.equal(compute1.autoStart, false)
    assert.equal(compute1.baseImagePath, '/abs/node.qcow2')
    assert.ok(!('ip' in compute1))
    assert.deepEqual(compute1.ipPath, [...HPC, 'compute_nodes', 0, 'ip'])
    assert.deepEqual(compute1.cpuTopology, {sockets: 1, cores: 4, threads: 2})
    assert.deepEqual(compute1.cpuTopologyPath, [...HPC, 'hardware', 'acceleration', 'cpu_topology'])
    assert.ok(!('cpuTopology' in (describeHpc(load('hpc-small.yaml').hpc, loaded).nodes[0] ?? {})))
  })

  void it('picks the libvirt URI: cluster, then global, then LIBVIRT_DEFAULT_URI, then qemu:///system', () => {
    const global = {global: {libvirt_uri: 'qemu+ssh://far/system'}}
    assert.equal(resolveLibvirtUri('test:///default', global, {LIBVIRT_DEFAULT_URI: 'qemu:///session'}), 'test:///default')
    assert.equal(resolveLibvirtUri(undefined, global, {LIBVIRT_DEFAULT_URI: 'qemu:///session'}), 'qemu+ssh://far/system')
    assert.equal(resolveLibvirtUri(undefined, {}, {LIBVIRT_DEFAULT_URI: 'qemu:///session'}), 'qemu:///session')
    assert.equal(resolveLibvirtUri(undefined, {}, {LIBVIRT_DEFAULT_URI: ''}), 'qemu:///system')
    const {loaded, hpc} = load('hpc-small.yaml')
    hpc.libvirt_uri = 'test:///default'
    assert.equal(describeHpc(hpc, loaded).libvirtUri, 'test:///default')
  })
})

void describe('hpc check()', () => {
  void it('formats YAML paths the way core prints them', () => {
    assert.equal(formatPath(['clusters', 'hpc', 'compute_nodes', 1, 'ip']), 'clusters.hpc.compute_nodes[1].ip')
  })

  void it('accepts the examples', () => {
    for (const file of ['hpc-small.yaml', 'hpc-and-cloud.yaml']) {
      const {loaded, hpc} = load(file)
      assert.deepEqual(checkHpc(hpc, loaded), [], file)
    }
  })

  void it('reports a default partition that is not a partition, at its line', () => {
    const {loaded, hpc} = load('hpc-small.yaml')
    hpc.slurm_config.default_partition = 'debug'
    const issues = checkHpc(hpc, loaded)
    assert.equal(issues.length, 1)
    const [issue] = issues
    assert.ok(issue)
    const line = readFileSync(loaded.file, 'utf8').split('\n').findIndex((l) => l.includes('default_partition:')) + 1
    assert.equal(issue.severity, 'error')
    assert.equal(issue.path, 'clusters.hpc.slurm_config.default_partition')
    assert.equal(issue.line, line)
    assert.match(issue.message, /"debug" is not one of the partitions \(compute, gpu\)/)
    assert.match(issue.fix, /compute, gpu/)
  })
})
