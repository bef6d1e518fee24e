/** The Slurm drain of `hpc stop` and the resume of `hpc start`, against a fake controller. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {parseSinfo} from './controller.js'
import {drainNodes} from './drain.js'
import {resumeNodes} from './resume.js'
import {FakeSlurm} from './testing/fake-slurm.js'

const A = 'lab-compute-01'
const B = 'lab-compute-02'

void describe('parseSinfo', () => {
  void it('reads state and reason, drops sinfo flag suffixes and repeated partitions', () => {
    const nodes = parseSinfo(`${A}|drained*|ai-how stop\n${A}|drained*|ai-how stop\n${B}|idle|none\n`)
    assert.deepEqual([...nodes.values()], [{name: A, state: 'drained', reason: 'ai-how stop'}, {name: B, state: 'idle', reason: ''}])
  })
})

void describe('drainNodes', () => {
  void it('drains the running compute nodes with one scontrol as root and waits until they are drained', async () => {
    const slurm = new FakeSlurm([A, 'lab-compute-03'])
    slurm.add(B, {jobs: 1})
    let polls = 0
    slurm.onSinfo = () => { if (++polls === 3) slurm.add(B, {drain: true, reason: 'ai-how stop', jobs: 0}) }
    const report = await drainNodes(slurm.runner, '10.50.0.10', [A, B], {timeoutMs: 5000, pollMs: 1})
    assert.equal(report.reachable, true)
    assert.deepEqual(report.drained, [A, B])
    assert.deepEqual(report.busy, [])
    assert.ok(slurm.calls.includes(`10.50.0.10: sudo -n scontrol update nodename=${A},${B} state=drain reason=ai-how stop`), slurm.calls.join('\n'))
    assert.equal(slurm.state(A), 'drained')
    assert.equal(slurm.state(B), 'drained')
    assert.equal(slurm.state('lab-compute-03'), 'idle', 'a node that was not asked for is untouched')
  })

  void it('at the deadline names the nodes still running jobs (they stay drained and recorded)', async () => {
    const slurm = new FakeSlurm([A])
    slurm.add(B, {jobs: 2})
    const report = await drainNodes(slurm.runner, 'h', [A, B], {timeoutMs: 30, pollMs: 5})
    assert.deepEqual(report.busy, [B])
    assert.deepEqual(report.drained, [A, B])
    assert.equal(slurm.state(B), 'draining')
  })

  void it('a controller that does not answer, or a slurmctld that is down, is reported, not thrown', async () => {
    const slurm = new FakeSlurm([A])
    slurm.unreachable = true
    const unreachable = await drainNodes(slurm.runner, 'h', [A], {timeoutMs: 1000})
    assert.equal(unreachable.reachable, false)
    assert.match(unreachable.error ?? '', /SSH to debian@h:22 failed/)
    assert.deepEqual(unreachable.drained, [])
    slurm.unreachable = false
    slurm.slurmctldDown = true
    const down = await drainNodes(slurm.runner, 'h', [A], {timeoutMs: 1000})
    assert.equal(down.reachable, false)
    assert.match(down.error ?? '', /Unable to contact slurm controller/)
    assert.deepEqual(slurm.updates(), [])
  })

  void it('a node drained by hand keeps its reason and is not recorded; a VM Slurm does not know is named', async () => {
    const slurm = new FakeSlurm([A])
    slurm.add(B, {drain: true, reason: 'bad DIMM'})
    const report = await drainNodes(slurm.runner, 'h', [A, B, 'lab-compute-09'], {timeoutMs: 1000})
    assert.deepEqual(report.drained, [A])
    assert.deepEqual(report.by_hand, [{name: B, reason: 'bad DIMM'}])
    assert.deepEqual(report.unknown, ['lab-compute-09'])
    assert.deepEqual(slurm.updates(), [`nodename=${A} state=drain reason=ai-how stop`])
    assert.equal(slurm.nodes.get(B)?.reason, 'bad DIMM')
  })
})

void describe('resumeNodes', () => {
  void it('resumes only the recorded nodes still drained with ai-how\'s reason', async () => {
    const slurm = new FakeSlurm(['lab-compute-03'])
    slurm.add(A, {drain: true, reason: 'ai-how stop'})
    slurm.add(B, {drain: true, reason: 'replaced disk'})
    slurm.add('lab-compute-04', {drain: true, reason: 'ai-how stop'})
    const report = await resumeNodes(slurm.runner, 'h', [A, B, 'lab-compute-03', 'lab-compute-05'])
    assert.deepEqual(report.resumed, [A])
    assert.deepEqual(report.left.map((l) => l.name), [B, 'lab-compute-03', 'lab-compute-05'])
    assert.match(report.left[0]?.why ?? '', /replaced disk/)
    assert.deepEqual(slurm.updates(), [`nodename=${A} state=resume`])
    assert.equal(slurm.state(B), 'drained', 'a node drained by hand stays drained')
    assert.equal(slurm.state('lab-compute-04'), 'drained', 'a node ai-how did not record is not resumed')
  })

  void it('throws when the controller does not answer (the caller keeps the nodes recorded)', async () => {
    const slurm = new FakeSlurm([A])
    slurm.unreachable = true
    await assert.rejects(resumeNodes(slurm.runner, 'h', [A]), {code: 'SSH_FAILED'})
  })
})
