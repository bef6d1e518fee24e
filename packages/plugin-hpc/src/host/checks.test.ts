import assert from 'node:assert/strict'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'
import type {ClusterDescription} from '@ai-how/core'
import {vmHostChecks} from './checks.js'

const emptyDir = mkdtempSync(path.join(tmpdir(), 'aihow-nopath-'))
const cluster = (enableKvm: boolean): ClusterDescription => ({
  kind: 'hpc',
  name: 'c',
  namePath: [],
  network: {subnet: '10.0.0.0/24', bridge: 'b', path: [], subnetPath: [], bridgePath: []},
  nodes: [],
  libvirtUri: 'test:///default',
  enableKvm,
})

void describe('VM host checks', () => {
  void it('names the Debian package of every missing tool', async () => {
    const results = await vmHostChecks({clusters: [], envPath: emptyDir, devKvm: path.join(emptyDir, 'kvm')})
    const failed = Object.fromEntries(results.filter((r) => !r.ok).map((r) => [r.id, r.fix.join(' ')]))
    assert.match(failed['tool.virsh'] ?? '', /libvirt-clients/)
    assert.match(failed['tool.qemu-img'] ?? '', /qemu-utils/)
    assert.match(failed['tool.iso'] ?? '', /genisoimage/)
    assert.match(failed['tool.ansible'] ?? '', /ansible-core/)
    assert.match(failed.kvm ?? '', /enable_kvm: false/)
  })

  void it('skips /dev/kvm when every cluster runs under emulation, and asks libvirt at each cluster URI', async () => {
    const results = await vmHostChecks({clusters: [cluster(false)], devKvm: path.join(emptyDir, 'kvm')})
    assert.equal(results.find((r) => r.id === 'kvm'), undefined)
    const libvirt = results.find((r) => r.id === 'libvirt.test:///default')
    assert.ok(libvirt, 'a libvirt check for the cluster URI')
    assert.equal(libvirt.ok, true, libvirt.message)
  })
})
