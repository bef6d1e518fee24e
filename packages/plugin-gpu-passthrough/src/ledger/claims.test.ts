import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {isAiHowError} from '@ai-how/core'
import type {Logger, StateDocument} from '@ai-how/core'
import {spawnSync} from 'node:child_process'
import {claimGpus, confirmGpus, gpuAddresses, isProcessAlive, releaseGpus} from './claims.js'
import type {Claimant, ClaimOptions} from './claims.js'
import {makeCluster} from '../test-support/clusters.js'

const GPU = '0000:01:00.0'
const NOW = new Date('2025-01-02T03:04:05.000Z')
const hpc: Claimant = {kind: 'hpc', cluster: 'lab-hpc', node: 'compute-01', vmName: 'lab-hpc-compute-01', libvirtUri: 'qemu:///system'}
const cloud: Claimant = {kind: 'cloud', cluster: 'lab-cloud', node: 'gpu-worker-01', vmName: 'lab-cloud-gpu-worker-01', libvirtUri: 'qemu:///system'}

function recorder(states: Record<string, string | undefined>): {options: ClaimOptions; warnings: string[]; asked: string[]} {
  const warnings: string[] = []
  const asked: string[] = []
  const log: Logger = {info: () => undefined, debug: () => undefined, warn: (m) => warnings.push(m)}
  const query = (uri: string, vm: string): Promise<string | undefined> => {
    asked.push(`${uri} ${vm}`)
    return Promise.resolve(states[vm])
  }
  // The claiming processes of these tests are gone unless a test says otherwise.
  return {options: {query, log, now: () => NOW, pid: 4242, isAlive: () => false}, warnings, asked}
}

function empty(): StateDocument {
  return {version: 1, gpu_allocations: {}}
}

void describe('GPU ledger rules', () => {
  void it('claims the GPUs of a node (device_type gpu only), sorted and once each', () => {
    const node = makeCluster({kind: 'hpc', name: 'h', nodes: [{key: 'n', devices: [['0000:02:00.0', 'gpu'], ['0000:01:00.1', 'audio'], ['0000:01:00.0', 'gpu']]}]}).nodes[0]
    assert.ok(node)
    assert.deepEqual(gpuAddresses(node), ['0000:01:00.0', '0000:02:00.0'])
  })

  void it('records cluster, kind, node, VM, time and libvirt URI; a restart by the same node keeps the original time', async () => {
    const doc = empty()
    await claimGpus(doc, hpc, [GPU], recorder({}).options)
    assert.deepEqual(doc.gpu_allocations[GPU], {cluster: 'lab-hpc', kind: 'hpc', node: 'compute-01', vm_name: 'lab-hpc-compute-01', since: NOW.toISOString(), libvirt_uri: 'qemu:///system', starting_pid: 4242})
    const later = recorder({'lab-hpc-compute-01': 'running'})
    later.options.now = () => new Date('2030-01-01T00:00:00.000Z')
    await claimGpus(doc, hpc, [GPU], later.options)
    assert.equal(doc.gpu_allocations[GPU].since, NOW.toISOString())
    assert.deepEqual(later.asked, [], 'its own claim needs no libvirt query')
  })

  for (const state of ['running', 'paused', 'in shutdown']) {
    void it(`refuses with GPU_BUSY while the holder is ${state}, naming it and how to free the GPU, and changes nothing`, async () => {
      const doc = empty()
      doc.hpc_cluster = {name: 'lab-hpc', config_file: '/home/me/lab.yaml', status: 'running', nodes: {}}
      await claimGpus(doc, hpc, [GPU], recorder({}).options)
      const before = structuredClone(doc)
      const {options, asked} = recorder({'lab-hpc-compute-01': state})
      await assert.rejects(claimGpus(doc, cloud, ['0000:00:02.0', GPU], options), (error: unknown) => {
        assert.ok(isAiHowError(error))
        assert.equal(error.code, 'GPU_BUSY')
        assert.equal(error.exitCode, 1)
        assert.match(error.message, new RegExp(`GPU 0000:01:00\\.0 is held by hpc cluster "lab-hpc" node compute-01 \\(VM lab-hpc-compute-01, ${state} since ${NOW.toISOString()}\\); cloud cluster "lab-cloud" node gpu-worker-01 cannot start`))
        assert.deepEqual(error.actions, [
          'Stop the holder: ai-how hpc stop /home/me/lab.yaml',
          'Or shut down only its VM: virsh -c qemu:///system shutdown lab-hpc-compute-01',
          'Or set auto_start: false on node compute-01 of the hpc cluster or on node gpu-worker-01 of the cloud cluster, so that only one VM sharing this GPU starts.',
        ])
        return true
      })
      assert.deepEqual(doc, before, 'a refused claim leaves the ledger as it was (the other GPU is not taken either)')
      assert.deepEqual(asked, ['qemu:///system lab-hpc-compute-01'])
    })
  }

  for (const [label, state] of [['shut off', 'shut off'], ['gone from libvirt', undefined], ['crashed', 'crashed']] as const) {
    void it(`clears a stale claim whose VM is ${label}, with a notice, and takes the GPU`, async () => {
      const doc = empty()
      await claimGpus(doc, {...hpc, libvirtUri: 'qemu+ssh://box/system'}, [GPU], recorder({}).options)
      const {options, warnings, asked} = recorder({'lab-hpc-compute-01': state})
      await claimGpus(doc, cloud, [GPU], options)
      assert.equal(doc.gpu_allocations[GPU]?.cluster, 'lab-cloud')
      assert.deepEqual(asked, ['qemu+ssh://box/system lab-hpc-compute-01'], "the holder is asked about at its own libvirt URI")
      assert.equal(warnings.length, 1)
      assert.match(warnings[0] ?? '', /GPU 0000:01:00\.0 was claimed by hpc cluster "lab-hpc" node compute-01, whose VM lab-hpc-compute-01 is .*: clearing that stale claim/)
    })
  }

  void it('holds a fresh claim while the process starting its VM lives, though the VM does not run yet', async () => {
    const doc = empty()
    await claimGpus(doc, hpc, [GPU], {...recorder({}).options, pid: 111})
    const {options, asked} = recorder({'lab-hpc-compute-01': 'shut off'})
    const alive = new Set([111])
    await assert.rejects(claimGpus(doc, cloud, [GPU], {...options, pid: 222, isAlive: (pid) => alive.has(pid)}), (error: unknown) => {
      assert.ok(isAiHowError(error))
      assert.equal(error.code, 'GPU_BUSY')
      assert.match(error.message, /\(VM lab-hpc-compute-01, being started by process 111\)/)
      return true
    })
    assert.deepEqual(asked, [], 'no need to ask libvirt while the starter lives')
    // Once the VM runs, after-start drops the process from the claim; libvirt decides from then on.
    assert.deepEqual(confirmGpus(doc, cloud), [])
    assert.deepEqual(confirmGpus(doc, hpc), [GPU])
    assert.equal(doc.gpu_allocations[GPU]?.starting_pid, undefined)
    await claimGpus(doc, cloud, [GPU], {...options, pid: 222, isAlive: (pid) => alive.has(pid)})
    assert.equal(doc.gpu_allocations[GPU]?.cluster, 'lab-cloud')
  })

  void it('tells a live process from a finished one', () => {
    assert.equal(isProcessAlive(process.pid), true)
    const child = spawnSync(process.execPath, ['-e', ''])
    assert.equal(child.status, 0)
    assert.equal(isProcessAlive(child.pid), false)
  })

  void it('releases only the claims of the stopping node', async () => {
    const doc = empty()
    await claimGpus(doc, hpc, [GPU], recorder({}).options)
    await claimGpus(doc, cloud, ['0000:02:00.0'], recorder({}).options)
    assert.deepEqual(releaseGpus(doc, {...hpc, node: 'compute-02'}), [])
    assert.deepEqual(releaseGpus(doc, hpc), [GPU])
    assert.deepEqual(Object.keys(doc.gpu_allocations), ['0000:02:00.0'])
  })
})
