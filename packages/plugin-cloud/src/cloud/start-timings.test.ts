/**
 * The cloud kind's phases in the start timings: the deploy is its own phase (null when skipped);
 * the kubeconfig, uncordon and Kubernetes health after it are in `finish`.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {cloudApi, cloudFixture, cloudManager, removeCloudFixtures, useApi} from './testing/cloud-fixture.js'
import type {CloudFixture} from './testing/cloud-fixture.js'

before(async () => {
  await import('@kubernetes/client-node')
})
after(removeCloudFixtures)

/** The fixture on a fake clock that only the deploy moves (by 300 s). */
async function timedFixture(): Promise<CloudFixture> {
  const f = await cloudFixture()
  const clock = {now: 0}
  const deploy = f.deployer.deploy.bind(f.deployer)
  f.deployer = {deploy: (...args) => {
    clock.now += 300_000
    return deploy(...args)
  }}
  f.deps = {...f.deps, clock: () => clock.now}
  return f
}

void describe('cloud start timings', () => {
  void it('times the deploy as its own phase, not in finish', async (t) => {
    const f = await timedFixture()
    const api = await cloudApi()
    t.after(() => api.close())
    useApi(f, api)
    const timings = (await cloudManager(f).start(f.run)).timings
    assert.deepEqual([timings?.deploy_s, timings?.finish_s, timings?.total_s], [300, 0, 300])
  })

  void it('--skip-deploy: the deploy phase is null', async () => {
    const f = await timedFixture()
    const timings = (await cloudManager(f, {skipDeploy: true}).start(f.run)).timings
    assert.deepEqual([timings?.deploy_s, timings?.finish_s, timings?.total_s], [null, 0, 0])
    assert.deepEqual(timings?.nodes.map((n) => n.name), ['cloud-cluster-control-plane', 'cloud-cluster-cpu-worker-01'])
  })
})
