/**
 * The hpc kind's Slurm operations around stop and start, over the in-memory hypervisor and a fake
 * Slurm controller: the drain before the shutdown (recorded in the stopped entry), the resume of
 * exactly those nodes once the next start has deployed, and what they do when the controller does
 * not answer, with --skip-drain and --suspend, and on a cluster whose Slurm ai-how does not manage.
 */
import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'
import {jsonDocument, StateStore} from '@ai-how/core'
import {assertDocument} from '../../../../test/docs/json-schema-support.js'
import type {DrainReport} from '../slurm/drain.js'
import {FakeSlurm} from '../slurm/testing/fake-slurm.js'
import {fixtureCluster, makeFixture, removeFixtures} from '../vm/testing/cluster-fixture.js'
import type {Fixture} from '../vm/testing/cluster-fixture.js'
import type {StopResult} from '../vm/results.js'
import {hpcManager} from './testing/hpc-fixture.js'

const C1 = 'lab-compute-01'
const C2 = 'lab-compute-02'

/** What the shipped playbook's deploy record says (the deploy helper adds `builtin`). */
async function markSlurmManaged(f: Fixture, managed = true): Promise<void> {
  const store = new StateStore(f.spec.statePath)
  const entry = await store.getEntry(f.spec.stateKey)
  assert.ok(entry)
  await store.setEntry(f.spec.stateKey, {...entry, deploy: {...(entry.deploy as object), ok: true, builtin: managed}})
}

async function entryOf(f: Fixture): Promise<Record<string, unknown>> {
  const entry = await new StateStore(f.spec.statePath).getEntry(f.spec.stateKey)
  assert.ok(entry)
  return entry
}

/** A running two-compute cluster whose Slurm ai-how manages, and its fake controller. */
async function runningCluster(managed = true): Promise<{f: Fixture; slurm: FakeSlurm}> {
  const f = await makeFixture(fixtureCluster('lab', 2))
  const slurm = new FakeSlurm([C1, C2])
  await hpcManager(f, {slurm: slurm.runner}).start(f.run)
  await markSlurmManaged(f, managed)
  return {f, slurm}
}

after(removeFixtures)

/** The drain report of a stop that drained. */
function drained(r: StopResult): DrainReport {
  const drain = (r as StopResult & {drain: DrainReport | {not_run: string} | null}).drain
  assert.ok(drain !== null && 'reachable' in drain, JSON.stringify(drain))
  return drain
}

function notRun(r: StopResult): string {
  const drain = (r as StopResult & {drain: DrainReport | {not_run: string} | null}).drain
  assert.ok(drain !== null && 'not_run' in drain, JSON.stringify(drain))
  return drain.not_run
}

void describe('hpc stop and start with Slurm', () => {
  void it('stop drains the running compute nodes on the controller before the shutdown; start resumes exactly those', async () => {
    const {f, slurm} = await runningCluster()
    slurm.add('lab-compute-03', {drain: true, reason: 'bad DIMM'})
    const states: string[] = []
    const runner = slurm.runner
    const m = hpcManager(f, {slurm: async (host, command, o) => {
      if (command.includes('scontrol')) states.push(await f.hv.domainState(C1))
      return runner(host, command, o)
    }})
    const stopped = await m.stop(f.run, 1000)
    assert.deepEqual(states, ['running'], 'the drain runs while the VMs run')
    assert.equal(stopped.status, 'stopped')
    assert.deepEqual(drained(stopped).drained, [C1, C2])
    assertDocument('hpc-stop', jsonDocument(stopped))
    assert.ok(slurm.calls.every((c) => c.startsWith('10.50.0.10: ')), 'commands run on the controller')
    assert.deepEqual((await entryOf(f)).slurm, {drained: [C1, C2]})

    slurm.add(C2, {drain: true, reason: 'fan failure'})
    const started = await hpcManager(f, {slurm: slurm.runner}).start(f.run)
    assert.deepEqual(started.resumed, [C1])
    assertDocument('hpc-start', jsonDocument(started))
    assert.equal(slurm.state(C1), 'idle')
    assert.equal(slurm.state(C2), 'drained', 'a node drained by hand since the stop stays drained')
    assert.equal(slurm.state('lab-compute-03'), 'drained')
    assert.deepEqual(slurm.updates(), [`nodename=${C1},${C2} state=drain reason=ai-how stop`, `nodename=${C1} state=resume`])
    assert.ok(f.warnings.some((w) => w.includes(`${C2} is not resumed: drained by someone else: fan failure`)), f.warnings.join('\n'))
    assert.deepEqual((await entryOf(f)).slurm, {drained: []})
  })

  void it('names the nodes still running jobs at --drain-timeout in a warning, and the stop goes on', async () => {
    const {f, slurm} = await runningCluster()
    slurm.add(C2, {jobs: 1})
    const stopped = await hpcManager(f, {slurm: slurm.runner, drainTimeoutMs: 20}).stop(f.run, 1000)
    assert.equal(stopped.status, 'stopped')
    assert.deepEqual(drained(stopped).busy, [C2])
    assert.ok(f.warnings.some((w) => w.includes(`${C2} still ran jobs after --drain-timeout`)), f.warnings.join('\n'))
    assert.deepEqual((await entryOf(f)).slurm, {drained: [C1, C2]}, 'both are drained in Slurm: start resumes both')
  })

  void it('a controller that does not answer is a warning: the stop goes on and nothing is recorded', async () => {
    const {f, slurm} = await runningCluster()
    slurm.unreachable = true
    const stopped = await hpcManager(f, {slurm: slurm.runner}).stop(f.run, 1000)
    assert.equal(stopped.status, 'stopped')
    assert.equal(drained(stopped).reachable, false)
    assert.ok(f.warnings.some((w) => w.includes('did not answer or slurmctld is down')), f.warnings.join('\n'))
    assert.equal((await entryOf(f)).slurm ?? null, null)
  })

  void it('--skip-drain, or a cluster whose Slurm ai-how does not manage: no Slurm command at all', async () => {
    const skip = await runningCluster()
    const skipped = await hpcManager(skip.f, {slurm: skip.slurm.runner, skipDrain: true}).stop(skip.f.run, 1000)
    assert.equal(notRun(skipped), '--skip-drain')
    assert.equal(skipped.status, 'stopped')
    const own = await runningCluster(false)
    const stopped = await hpcManager(own.f, {slurm: own.slurm.runner}).stop(own.f.run, 1000)
    assert.match(notRun(stopped), /not managed by ai-how/)
    assert.deepEqual([...skip.slurm.calls, ...own.slurm.calls], [])
  })

  void it('stop --suspend drains first too (as the cloud kind); the restoring start resumes', async () => {
    const {f, slurm} = await runningCluster()
    const stopped = await hpcManager(f, {slurm: slurm.runner}).stop(f.run, 1000, {suspend: true})
    assert.equal(stopped.status, 'suspended')
    assert.deepEqual(drained(stopped).drained, [C1, C2])
    const started = await hpcManager(f, {slurm: slurm.runner}).start(f.run)
    assert.deepEqual(started.restored.sort(), ['lab-compute-01', 'lab-compute-02', 'lab-controller'])
    assert.deepEqual(started.resumed, [C1, C2])
  })

  void it('a start that cannot reach the controller keeps the drained nodes recorded for the next start', async () => {
    const {f, slurm} = await runningCluster()
    await hpcManager(f, {slurm: slurm.runner}).stop(f.run, 1000)
    slurm.unreachable = true
    const first = await hpcManager(f, {slurm: slurm.runner}).start(f.run)
    assert.deepEqual(first.resumed, [])
    assert.ok(f.warnings.some((w) => w.includes(`could not resume ${C1}, ${C2}`)), f.warnings.join('\n'))
    assert.deepEqual((await entryOf(f)).slurm, {drained: [C1, C2]})
    slurm.unreachable = false
    const second = await hpcManager(f, {slurm: slurm.runner}).start(f.run)
    assert.deepEqual(second.resumed, [C1, C2])
    assert.deepEqual((await entryOf(f)).slurm, {drained: []})
  })
})
