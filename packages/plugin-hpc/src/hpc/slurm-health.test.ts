/** watchSlurm: looks again until every node registered or the deadline passed, and reports what it saw. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {watchSlurm} from './slurm-health.js'

void describe('watchSlurm', () => {
  void it('waits for registration: unknown, then idle', async () => {
    const answers = ['c1|unknown*|none\nc2|idle|none\n', 'c1|idle|none\nc2|idle|none\n']
    let calls = 0
    const report = await watchSlurm(() => Promise.resolve(answers[Math.min(calls++, 1)] ?? ''), ['c1', 'c2'], 'lab-controller', {deadlineMs: 5000, intervalMs: 10})
    assert.equal(report.healthy, true)
    assert.equal(calls, 2)
    assert.ok(report.details)
    assert.equal(report.details.nodes_up, '2/2')
    assert.equal(report.details.attempts, 2)
  })

  void it('after the deadline: unhealthy, each bad node with Slurm reason', async () => {
    const report = await watchSlurm(() => Promise.resolve('c1|idle|none\nc2|down|Not responding\n'), ['c1', 'c2'], 'lab-controller', {deadlineMs: 50, intervalMs: 10})
    assert.equal(report.healthy, false)
    assert.deepEqual(report.checks, [{name: 'slurm nodes', ok: false, message: 'c2: down (Not responding)'}])
  })

  void it('a failing sinfo (munge down, SSH refused) is reported with its message', async () => {
    const report = await watchSlurm(() => Promise.reject(new Error('sinfo exited 1: Unable to contact slurm controller')), ['c1'], 'lab-controller', {deadlineMs: 0})
    assert.equal(report.healthy, false)
    assert.match(report.checks[0]?.message ?? '', /sinfo on lab-controller failed: sinfo exited 1: Unable to contact slurm controller/)
  })
})
