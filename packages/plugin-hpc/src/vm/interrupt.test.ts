/**
 * Ctrl+C during start (the runner turns SIGINT into an abort of its signal; see the runner's
 * process tests): the VMs, disks, seeds, pool and network this run created are removed, the GPU
 * claims are released, and no state entry is written.
 */
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {after, describe, it} from 'node:test'
import {hasCode} from '@ai-how/core'
import {ClusterManager} from './cluster-manager.js'
import {fixtureCluster, makeFixture, removeFixtures} from './testing/cluster-fixture.js'

after(removeFixtures)

void describe('start interrupted while waiting for SSH', () => {
  void it('rolls back everything the run created and records nothing', async () => {
    const f = await makeFixture(fixtureCluster('lab', 2))
    const interrupt = new AbortController()
    // The VMs are defined and running when the user presses Ctrl+C during the SSH wait.
    f.deps.waitForSsh = (_nodes, options) =>
      new Promise((_resolve, reject) => {
        options.signal?.addEventListener('abort', () => { reject(new Error('SSH wait aborted')) })
        interrupt.abort()
      })
    const error = await new ClusterManager(f.spec, f.deps).start({...f.run, signal: interrupt.signal}).catch((e: unknown) => e)
    assert.ok(hasCode(error, 'INTERRUPTED'), String(error))
    assert.deepEqual(await f.hv.listDomains(), [])
    assert.deepEqual(await f.hv.listNetworks(), [])
    assert.deepEqual(await f.hv.listPools(), [])
    assert.equal(existsSync(f.spec.statePath), false, 'no state file: nothing of the run is left to record')
    const started = f.lifecycle.filter((c) => c.phase === 'before-start').map((c) => c.node).sort()
    const released = f.lifecycle.filter((c) => c.phase === 'after-stop' || c.phase === 'after-destroy').map((c) => c.node).sort()
    assert.deepEqual(started, ['compute-01', 'compute-02', 'controller'])
    assert.deepEqual(released, started, 'every claim taken by before-start is released by the rollback')
  })
})
