/**
 * The `timings` of a start, on a fake clock that the fake hypervisor and the SSH waiter move: every
 * phase gets exactly the time its own operations took (a phase that is missing or counted in the
 * wrong place fails), a phase that did not run reads null, and the text line names them.
 */
import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'
import {ClusterManager} from './cluster-manager.js'
import {PhaseTimer} from './phase-timer.js'
import {startTimings, timingsLine} from './start-timings.js'
import {fixtureCluster, makeFixture, removeFixtures} from './testing/cluster-fixture.js'
import type {Fixture} from './testing/cluster-fixture.js'
import type {SshWaiter} from './types.js'

after(removeFixtures)

/** Ms each mutating call costs on the fake clock (by method, then by the object's name). */
function cost(method: string, name: string): number {
  if (method === 'defineNetwork') return 1000
  if (method === 'definePool') return 2000
  if (method === 'createVolume' && name.endsWith('-base.qcow2')) return 30_000
  if (method === 'startDomain') return name.endsWith('controller') ? 4000 : 6000
  return 0
}

/** SSH: [accepted the key, cloud-init done] in ms after the waiter's call, by VM name. */
const SSH: Record<string, [number, number]> = {'lab-controller': [20_000, 50_000], 'lab-compute-01': [25_000, 40_000]}

async function timedFixture(): Promise<{f: Fixture; clock: {now: number}}> {
  const f = await makeFixture(fixtureCluster('lab', 1))
  const clock = {now: 0}
  const record = f.hv.record.bind(f.hv)
  f.hv.record = (method, name) => {
    clock.now += cost(method, name)
    record(method, name)
  }
  const waiter: SshWaiter = (nodes) => {
    const results = nodes.map((n) => {
      const [connectedMs, elapsedMs] = SSH[n.hostAlias ?? ''] ?? [0, 0]
      return {host: n.host, attempts: 1, connectedMs, elapsedMs}
    })
    clock.now += Math.max(...results.map((r) => r.elapsedMs))
    return Promise.resolve(results)
  }
  // One node at a time: each node's create ends at a known time.
  f.spec = {...f.spec, concurrency: 1}
  f.deps = {...f.deps, waitForSsh: waiter, clock: () => clock.now}
  return {f, clock}
}

void describe('start timings', () => {
  void it('gives each phase the time of its own operations, per node and the slowest node', async () => {
    const {f} = await timedFixture()
    const result = await new ClusterManager(f.spec, f.deps).start(f.run)
    const t = result.timings
    assert.ok(t !== undefined)
    assert.deepEqual({...t, nodes: undefined}, {
      total_s: 93, prepare_s: 0, shared_s: 33, nodes_s: 10, ssh_wait_s: 50,
      boot_to_ssh_s: 26, ssh_to_cloud_init_s: 30, deploy_s: null, finish_s: null, nodes: undefined,
    })
    assert.deepEqual(t.nodes, [
      // The controller started at 37 s: SSH at 43 + 20 = 63 s, ready at 93 s.
      {name: 'lab-controller', create_s: 4, boot_to_ssh_s: 26, ssh_to_cloud_init_s: 30},
      {name: 'lab-compute-01', create_s: 6, boot_to_ssh_s: 25, ssh_to_cloud_init_s: 15},
    ])
  })

  void it('a second start (everything exists): no node phase, the shared objects kept, no boot: null where nothing ran', async () => {
    const {f} = await timedFixture()
    await new ClusterManager(f.spec, f.deps).start(f.run)
    const t = (await new ClusterManager(f.spec, f.deps).start(f.run)).timings
    assert.ok(t !== undefined)
    assert.equal(t.nodes_s, null, 'no VM was created or booted')
    assert.equal(t.shared_s, 0, 'network, pool and base volume were kept: no import')
    assert.deepEqual(t.nodes.map((n) => [n.name, n.create_s, n.boot_to_ssh_s]), [['lab-controller', null, null], ['lab-compute-01', null, null]])
    assert.equal(t.ssh_to_cloud_init_s, 30)
    assert.equal(t.total_s, 50)
  })

  void it('the text line lists the phases that ran, in order, and the slowest node', async () => {
    const {f} = await timedFixture()
    const t = (await new ClusterManager(f.spec, f.deps).start(f.run)).timings
    assert.ok(t !== undefined)
    assert.equal(timingsLine(t), 'timings: total 93 s = prepare 0 + shared 33 + nodes 10 + ssh wait 50 (slowest node: boot to SSH 26 s, SSH to cloud-init done 30 s)')
  })
})

void describe('PhaseTimer', () => {
  void it('spans parallel steps from the first start to the last end; a dropped phase reads null', async () => {
    let now = 0
    const timer = new PhaseTimer(() => now)
    const a = timer.timed('p', {title: 'a', run: () => { now += 1500; return Promise.resolve(undefined) }})
    const b = timer.timed('q', timer.timed('p', {title: 'b', run: () => { now += 500; timer.drop('q'); return Promise.resolve(undefined) }}))
    const ctx = {} as Parameters<NonNullable<typeof a.run>>[0]
    await a.run?.(ctx)
    await b.run?.(ctx)
    assert.equal(timer.seconds('p'), 2)
    assert.equal(timer.seconds('q'), null)
    assert.equal(timer.seconds('never'), null)
    assert.deepEqual(startTimings(timer, [], []).nodes, [])
  })
})
