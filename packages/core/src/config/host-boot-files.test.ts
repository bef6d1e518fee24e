import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'
import type {ClusterDescription, NodeDescription} from '../contracts/cluster.js'
import {checkBootFiles} from './host-boot-files.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'ai-how-boot-files-'))

function node(key: string, kernelPath?: string, initrdPath?: string): NodeDescription {
  return {
    key,
    vmName: `c-${key}`,
    role: 'compute',
    path: [],
    ipPath: [],
    cpuCores: 1,
    memoryGb: 1,
    diskGb: 10,
    devices: [],
    autoStart: true,
    ...(kernelPath === undefined ? {} : {kernelPath}),
    ...(initrdPath === undefined ? {} : {initrdPath}),
  }
}

function cluster(nodes: NodeDescription[], libvirtUri = 'qemu:///system'): ClusterDescription {
  return {kind: 'hpc', name: 'c', namePath: [], network: {subnet: '10.0.0.0/24', bridge: 'b', path: [], subnetPath: [], bridgePath: []}, nodes, libvirtUri}
}

void describe('kernel and initrd host checks', () => {
  void it('passes readable regular files, once per file with every node that uses it', async () => {
    const kernel = path.join(dir, 'vmlinuz')
    const initrd = path.join(dir, 'initrd.img')
    writeFileSync(kernel, 'kernel')
    writeFileSync(initrd, 'initrd')
    const results = await checkBootFiles([cluster([node('controller', kernel, initrd), node('compute-01', kernel, initrd), node('compute-02')])])
    assert.deepEqual(
      results.map((r) => [r.ok, r.message]),
      [
        [true, `kernel ${kernel} is a readable file (kernel of hpc/controller, hpc/compute-01)`],
        [true, `initrd ${initrd} is a readable file (initrd of hpc/controller, hpc/compute-01)`],
      ],
    )
  })

  void it('fails a missing file, a folder and a device, naming the node and the fix', async () => {
    const missing = path.join(dir, 'missing-vmlinuz')
    const folder = path.join(dir, 'boot')
    mkdirSync(folder)
    const results = await checkBootFiles([cluster([node('controller', missing, folder), node('compute-01', '/dev/null')])])
    assert.deepEqual(
      results.map((r) => [r.ok, r.message, r.fix]),
      [
        [false, `kernel ${missing} does not exist (kernel of hpc/controller)`, [`put the kernel image at ${missing}, or point kernel at one (a relative path is relative to the config file)`]],
        [false, `initrd ${folder} is a folder, not a file (initrd of hpc/controller)`, [`put the initrd image at ${folder}, or point initrd at one (a relative path is relative to the config file)`]],
        [false, 'kernel /dev/null is not a regular file (kernel of hpc/compute-01)', ['put the kernel image at /dev/null, or point kernel at one (a relative path is relative to the config file)']],
      ],
    )
  })

  void it('does not check files that a remote libvirt host reads', async () => {
    const [result] = await checkBootFiles([cluster([node('controller', '/srv/vmlinuz')], 'qemu+ssh://root@far/system')])
    assert.deepEqual([result?.ok, result?.message], [true, 'kernel /srv/vmlinuz is read by the libvirt host of qemu+ssh://root@far/system: not checked here (kernel of hpc/controller)'])
  })
})
