/**
 * The --json documents of `cloud start` and `cloud stop` (what the commands return, shaped by core's
 * jsonDocument) over the in-memory hypervisor and a fake Kubernetes API match
 * docs/json/cloud-*.schema.json: a real start needs booted VMs, so test/docs/json-schemas.test.ts
 * cannot produce these. The stop's runtime_stopped is keyed by VM name: data, kept as it is.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {jsonDocument} from '@ai-how/core'
import {assertDocument} from '../../../../test/docs/json-schema-support.js'
import {CP, CPU, cloudFixtureWithApi, cloudManager, removeCloudFixtures} from './testing/cloud-fixture.js'

before(async () => {
  await import('@kubernetes/client-node')
})
after(removeCloudFixtures)

void describe('cloud start and stop --json', () => {
  void it('each result is the document its schema in docs/json describes', async (t) => {
    const {f} = await cloudFixtureWithApi(t)
    assertDocument('cloud-start', jsonDocument(await cloudManager(f).start(f.run)))
    const stop = jsonDocument(await cloudManager(f).stop(f.run, 1000))
    assert.deepEqual(Object.keys(stop.runtime_stopped as object).sort(), [CP, CPU])
    assertDocument('cloud-stop', stop, [/^\$\.runtime_stopped$/])
  })
})
