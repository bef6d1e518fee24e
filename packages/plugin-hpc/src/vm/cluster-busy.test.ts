/** start, stop and destroy of one cluster never run at once: the second fails with CLUSTER_BUSY and touches nothing. */
import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'
import {hasCode, withClusterLock} from '@ai-how/core'
import {ClusterManager} from './cluster-manager.js'
import {fixtureCluster, makeFixture, removeFixtures} from './testing/cluster-fixture.js'

after(removeFixtures)

void describe('cluster operation lock', () => {
  void it('a start while another operation holds the cluster fails at once and creates nothing', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    const manager = new ClusterManager(f.spec, f.deps)
    const lock = {statePath: f.spec.statePath, stateKey: 'hpc_cluster', cluster: 'lab', holder: 'ai-how hpc destroy lab', log: f.deps.log}
    const error = await withClusterLock(lock, () => manager.start(f.run).catch((e: unknown) => e))
    assert.ok(hasCode(error, 'CLUSTER_BUSY'), String(error))
    assert.match((error as Error).message, /ai-how hpc destroy lab/)
    assert.equal((await f.hv.listDomains()).length, 0)
    assert.equal((await f.hv.listNetworks()).length, 0)
    // Once the other operation is done, the same start goes through.
    const result = await manager.start(f.run)
    assert.equal(result.status, 'running')
  })
})
