/**
 * How start hands the guest checks to the SSH wait and what it does with their warnings: every node
 * is checked for its own hostname, `--strict-cloud-init` reaches the waiter, and a warning of a ready
 * node (a failed cloud-init module) reaches the kind's logger while start goes on.
 */
import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'
import type {ClusterContext} from '@ai-how/core'
import type {WaitForSshOptions} from '../ssh/wait.js'
import {ClusterManager} from './cluster-manager.js'
import {vmSpecFromConfig} from './spec-from-config.js'
import {fixtureCluster, makeFixture, removeFixtures} from './testing/cluster-fixture.js'
import type {Fixture} from './testing/cluster-fixture.js'

after(removeFixtures)

/** A waiter that records what it was asked and says that cloud-init's locale module failed on the controller. */
function recordingWaiter(f: Fixture): WaitForSshOptions[] {
  const seen: WaitForSshOptions[] = []
  f.deps.waitForSsh = (nodes) => {
    seen.push(...nodes)
    return Promise.resolve(nodes.map((n) => ({
      host: n.host, attempts: 1, elapsedMs: 10,
      warnings: n.hostAlias === 'lab-controller' ? [`cloud-init on ${n.hostAlias}: module locale failed`] : [],
    })))
  }
  return seen
}

void describe('start and cloud-init', () => {
  void it('asks the wait to check cloud-init, sudo and each node\'s hostname, warns with the failed module and goes on', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    const seen = recordingWaiter(f)
    const result = await new ClusterManager(f.spec, f.deps).start(f.run)
    assert.equal(result.status, 'running')
    assert.deepEqual(seen.map((n) => [n.hostAlias, n.waitForCloudInit, n.strictCloudInit, n.expectedHostname]),
      [['lab-controller', true, false, 'lab-controller'], ['lab-compute-01', true, false, 'lab-compute-01']])
    assert.deepEqual(f.warnings, ['Wait for SSH on 2 VM(s): cloud-init on lab-controller: module locale failed'])
  })

  void it('with strictCloudInit in the spec, the wait is strict', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    const seen = recordingWaiter(f)
    await new ClusterManager({...f.spec, strictCloudInit: true}, f.deps).start(f.run)
    assert.deepEqual(seen.map((n) => n.strictCloudInit), [true, true])
  })

  void it('the spec takes --strict-cloud-init from the command flags (off unless given)', () => {
    const spec = (options: Record<string, unknown>): boolean | undefined => vmSpecFromConfig({
      ctx: {options, cluster: fixtureCluster('lab', 1), statePath: '/tmp/s.json', outputDir: '/tmp/out', loaded: {file: '/tmp/c.yaml'}, log: {warn: () => undefined}} as unknown as ClusterContext,
      common: {name: 'lab', base_image_path: '/img.qcow2', network: {subnet: '10.0.0.0/24'}} as never,
      nodeConfigs: new Map(),
      stateKey: 'hpc_cluster',
    }).strictCloudInit
    assert.equal(spec({'strict-cloud-init': true}), true)
    assert.equal(spec({strictCloudInit: true}), true)
    assert.equal(spec({}), false)
  })
})
