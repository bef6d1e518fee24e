import assert from 'node:assert/strict'
import {readFile, readdir, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, it} from 'node:test'
import type {ClusterStateEntry} from '../../packages/core/src/contracts/state.js'
import {StateStore} from '../../packages/core/src/state/index.js'
import {hasCode} from '../../packages/core/src/errors.js'
import {withTempDir} from './workers.js'

const OTHERS = {
  version: 1,
  x_meta: {written_by: 'a newer tool', list: [1, 'two', {three: null}], 'ünïcode ✓': '→'},
  cloud_cluster: {name: 'c', config_file: '/c.yaml', status: 'running', nodes: {cp: {vm_name: 'c-cp', role: 'kubernetes-control-plane', state: 'running'}}, kubernetes: {healthy: true}},
  gpu_allocations: {'0000:01:00.0': {cluster: 'c', kind: 'cloud', node: 'gpu-1', vm_name: 'c-gpu-1', since: '2025-01-01T00:00:00Z'}},
  foo_cluster: {name: 'third-party', config_file: '/f.yaml', status: 'odd', nodes: {}, extra: {deep: [[], {}]}, big: 1e21},
}

const HPC: ClusterStateEntry = {name: 'h', config_file: '/h.yaml', status: 'running', nodes: {controller: {vm_name: 'h-controller', role: 'controller', state: 'running', ip: '192.168.100.10'}}}

void describe('StateStore entries', () => {
  void it("sets and removes one kind's entry without touching other kinds, the GPU ledger or unknown keys", async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'state.json')
      await writeFile(file, JSON.stringify(OTHERS, null, 4))
      const store = new StateStore(file)

      await store.setEntry('hpc_cluster', HPC)
      const withHpc = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
      assert.deepEqual(withHpc, {...OTHERS, hpc_cluster: HPC})
      assert.deepEqual(await store.getEntry('hpc_cluster'), HPC)
      assert.deepEqual(await store.getEntry('cloud_cluster'), OTHERS.cloud_cluster)

      await store.setEntry('hpc_cluster', undefined)
      assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), OTHERS)
      assert.equal(await store.getEntry('hpc_cluster'), undefined)
      assert.deepEqual(Object.keys(await store.read()), Object.keys(OTHERS), 'key order is kept')
    })
  })

  void it('reads a missing file as the empty document without creating it, and creates the folder on first write with mode 0600', async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'deep', 'output', 'state.json')
      const store = new StateStore(file)
      assert.deepEqual(await store.read(), {version: 1, gpu_allocations: {}})
      await store.setEntry('hpc_cluster', undefined)
      await store.update(() => undefined)
      assert.deepEqual(await readdir(path.join(dir, 'deep', 'output')), [], 'a no-op update writes nothing')

      await store.setEntry('hpc_cluster', HPC)
      assert.equal((await stat(file)).mode & 0o777, 0o600)
      assert.deepEqual(await store.read(), {version: 1, gpu_allocations: {}, hpc_cluster: HPC})
    })
  })

  void it('writes nothing and releases the lock when the mutation throws or breaks the document', async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'state.json')
      const store = new StateStore(file, {lockTimeoutMs: 500})
      await store.setEntry('hpc_cluster', HPC)
      const before = await readFile(file, 'utf8')

      await assert.rejects(
        store.update(() => {
          throw new Error('boom')
        }),
        /boom/,
      )
      await assert.rejects(
        store.update((doc) => {
          doc.gpu_allocations = [] as unknown as typeof doc.gpu_allocations
        }),
        (e) => hasCode(e, 'STATE_INVALID_UPDATE'),
      )
      assert.equal(await readFile(file, 'utf8'), before)
      assert.deepEqual(await readdir(dir), ['state.json'], 'no lock left behind')
      assert.equal(await store.update(() => 'next update gets the lock at once'), 'next update gets the lock at once')
    })
  })

  void it('rejects keys that are not <kind>_cluster', async () => {
    await withTempDir(async (dir) => {
      const store = new StateStore(path.join(dir, 'state.json'))
      for (const key of ['version', 'gpu_allocations', 'hpc', '_cluster', '../x_cluster']) {
        await assert.rejects(store.setEntry(key, HPC), (e) => hasCode(e, 'STATE_BAD_KEY'), key)
        await assert.rejects(store.getEntry(key), (e) => hasCode(e, 'STATE_BAD_KEY'), key)
      }
    })
  })
})
