/** A base image that changed after its import is reported when start keeps the old base volume. */
import assert from 'node:assert/strict'
import {appendFile, utimes} from 'node:fs/promises'
import {after, describe, it} from 'node:test'
import {StateStore} from '@ai-how/core'
import {recordedFingerprints, sourceChange} from './base-fingerprint.js'
import {ClusterManager} from './cluster-manager.js'
import {fixtureCluster, fixtureNode, makeFixture, removeFixtures} from './testing/cluster-fixture.js'

after(removeFixtures)

void describe('base image fingerprints', () => {
  void it('are recorded at import, and a changed source is reported (not silently used) when a later start keeps the base volume', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    const manager = (): ClusterManager => new ClusterManager(f.spec, f.deps)
    const entry = async () => new StateStore(f.spec.statePath).getEntry('hpc_cluster')
    await manager().start(f.run)
    const first = recordedFingerprints(await entry())['lab-base.qcow2']
    assert.equal(first?.source, f.spec.baseImagePath)
    assert.equal(first.size, 'not really qcow2'.length)

    await appendFile(f.spec.baseImagePath, ' v2')
    await utimes(f.spec.baseImagePath, new Date(), new Date(Date.now() + 60_000))
    f.spec.cluster.nodes.push(fixtureNode('lab', 'compute-02', 'compute', '10.50.0.12'))
    await manager().start(f.run)
    const warning = f.warnings.find((w) => w.includes('base volume lab-base.qcow2 is kept although'))
    assert.match(warning ?? '', /changed since it was imported/, f.warnings.join('\n'))
    assert.deepEqual(recordedFingerprints(await entry())['lab-base.qcow2'], first, 'the entry still describes what the volume holds')

    const before = f.warnings.length
    await manager().start(f.run)
    assert.equal(f.warnings.length, before, 'a start that creates nothing imports nothing and warns nothing')
    assert.deepEqual(recordedFingerprints(await entry())['lab-base.qcow2'], first)
  })

  void it('compare source, size and modification time', () => {
    const a = {source: '/i/base.qcow2', size: 10, mtime: '2026-01-01T00:00:00.000Z'}
    assert.equal(sourceChange(a, {...a}), undefined)
    assert.equal(sourceChange(undefined, a), undefined)
    assert.match(sourceChange(a, {...a, size: 11}) ?? '', /changed since it was imported/)
    assert.match(sourceChange(a, {...a, source: '/j/other.qcow2'}) ?? '', /imported from \/i\/base\.qcow2/)
  })
})
