import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {hasCode} from '@ai-how/core'
import type {ClusterDescription, NodeDescription} from '@ai-how/core'
import {buildDomainView} from './domain-view.js'
import type {DomainViewOptions} from './domain-view.js'

const node = (extra: Partial<NodeDescription> = {}): NodeDescription => ({
  key: 'compute-01',
  vmName: 'lab-compute-01',
  role: 'compute',
  ip: '10.0.0.11',
  path: [],
  ipPath: [],
  cpuCores: 6,
  memoryGb: 4,
  diskGb: 20,
  devices: [],
  autoStart: true,
  ...extra,
})
const cluster: ClusterDescription = {kind: 'hpc', name: 'lab', namePath: [], network: {subnet: '10.0.0.0/24', bridge: 'br-lab', path: [], subnetPath: [], bridgePath: []}, nodes: []}
const base: DomainViewOptions = {
  enableKvm: true,
  networkName: 'lab-network',
  mac: '02:00:00:00:00:01',
  diskPath: '/var/lib/libvirt/images/lab/lab-compute-01.qcow2',
  consoleLogPath: '/var/log/ai-how/lab-compute-01.log',
}
const gpu = {pciAddress: '0000:01:00.0', deviceType: 'gpu', path: []}
const view = (n: Partial<NodeDescription> = {}, o: Partial<DomainViewOptions> = {}) => buildDomainView(cluster, node(n), {...base, ...o})
const withCode = (code: string) => (error: unknown) => hasCode(error, code)

void describe('domain view: cpu', () => {
  void it('defaults the topology to 1 socket x vcpus cores x 1 thread', () => {
    assert.deepEqual([view().cpu.sockets, view().cpu.cores, view().cpu.threads, view().vcpus], [1, 6, 1, 6])
  })

  void it('keeps a configured topology that matches the vCPU count and refuses one that does not', () => {
    assert.deepEqual(view({cpuTopology: {sockets: 1, cores: 3, threads: 2}}).cpu.threads, 2)
    assert.throws(() => view({cpuTopology: {sockets: 2, cores: 6, threads: 1}}), withCode('CPU_TOPOLOGY_MISMATCH'))
  })

  void it('honours every feature: +x and x require, -x disables (the reference required "-x" literally)', () => {
    assert.deepEqual(view({}, {cpuFeatures: ['+avx2', 'aes', '-hle']}).cpu.features, [
      {name: 'avx2', policy: 'require'},
      {name: 'aes', policy: 'require'},
      {name: 'hle', policy: 'disable'},
    ])
    assert.throws(() => view({}, {cpuFeatures: ["avx2' policy='x"]}), withCode('CPU_FEATURE_INVALID'))
  })

  void it('uses kvm with the host CPU, and qemu (TCG) with a qemu64 model when enable_kvm is false', () => {
    const kvm = view()
    assert.deepEqual([kvm.type, kvm.cpu.mode, kvm.cpu.model], ['kvm', 'host-passthrough', null])
    const tcg = view({}, {enableKvm: false})
    assert.deepEqual([tcg.type, tcg.cpu.mode, tcg.cpu.model], ['qemu', 'custom', 'qemu64'])
    assert.deepEqual(view({}, {enableKvm: false, cpuModel: 'host-model'}).cpu.model, 'qemu64')
    assert.deepEqual(view({}, {cpuModel: 'Skylake-Server'}).cpu.model, 'Skylake-Server')
  })

  void it('requires ONE nested-virtualization flag, and none with host-passthrough (it already has it)', () => {
    assert.deepEqual(view({}, {cpuModel: 'host-model', nestedFeature: 'svm'}).cpu.features, [{name: 'svm', policy: 'require'}])
    assert.deepEqual(view({}, {nestedFeature: 'vmx'}).cpu.features, [])
  })
})

void describe('domain view: devices and memory', () => {
  void it('has VNC/QXL graphics only when nothing is passed through', () => {
    assert.equal(view().graphics, true)
    assert.equal(view({devices: [gpu]}).graphics, false)
    assert.equal(view({}, {contributions: [{devicesXml: [], disableGraphics: true}]}).graphics, false)
    assert.equal(view({}, {graphics: false}).graphics, false)
  })

  void it('hides KVM from the guest only for a GPU passed through on kvm', () => {
    assert.equal(view({devices: [gpu]}).hideKvm, true)
    assert.equal(view({devices: [gpu]}, {enableKvm: false}).hideKvm, false)
    assert.equal(view({devices: [{...gpu, deviceType: 'network'}]}).hideKvm, false)
  })

  void it('puts the seed ISO on IDE for pc and SATA for q35', () => {
    const seedIsoPath = '/var/lib/libvirt/images/lab/seed.iso'
    assert.deepEqual(view({}, {seedIsoPath}).cdrom, {path: seedIsoPath, dev: 'hdc', bus: 'ide'})
    assert.deepEqual(view({}, {seedIsoPath, machine: 'q35'}).cdrom, {path: seedIsoPath, dev: 'sda', bus: 'sata'})
  })

  void it('renders hugepages as a page size in KiB, memfd for virtio-fs, and pins each vCPU to its own host CPU', () => {
    assert.deepEqual(view({}, {hugepageSize: '1G'}).memoryBacking, {hugepageKib: 1048576, memfd: false})
    assert.deepEqual(view({}, {filesystems: [{hostPath: '/srv/data', tag: 'data'}]}).memoryBacking, {hugepageKib: null, memfd: true})
    assert.equal(view().memoryBacking, null)
    assert.deepEqual(view({cpuCores: 2}, {cpuSet: [6, 7]}).cpuPins, [{vcpu: 0, cpuset: '6'}, {vcpu: 1, cpuset: '7'}])
    assert.throws(() => view({cpuCores: 2}, {cpuSet: [6]}), withCode('CPU_PINNING_INVALID'))
  })

  void it('refuses characters XML 1.0 forbids, and contributed device XML that is not well-formed', () => {
    assert.throws(() => view({}, {kernel: {path: '/boot/vmlinuz', cmdline: 'console=ttyS0\u0007'}}), withCode('XML_INVALID_CHARACTER'))
    assert.throws(() => view({}, {contributions: [{devicesXml: ['<hostdev><source></hostdev>'], disableGraphics: true}]}), withCode('PLUGIN_BAD_XML'))
  })

  void it('refuses names, MACs and paths that are unsafe in XML or on a command line', () => {
    assert.throws(() => view({vmName: "lab-'x"}), withCode('NAME_UNSAFE'))
    assert.throws(() => view({}, {mac: '02:00:00:00:00'}), withCode('HYPERVISOR_INVALID_ARGUMENT'))
    assert.throws(() => view({}, {diskPath: 'relative/disk.qcow2'}), withCode('HYPERVISOR_INVALID_ARGUMENT'))
  })
})
