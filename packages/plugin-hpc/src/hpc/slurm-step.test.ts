/** Whether ai-how manages Slurm (state entry), what status shows of it, and its status line. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {AiHowError} from '@ai-how/core'
import type {ClusterStateEntry, HealthChecker} from '@ai-how/core'
import type {ClusterStatus} from '../vm/status-types.js'
import type {KindExtensions} from '../vm/types.js'
import {slurmManaged, slurmStatus, slurmStatusLine, withSlurmView} from './slurm-step.js'

const entry = (deploy: unknown): ClusterStateEntry => ({deploy}) as unknown as ClusterStateEntry
const status = (controller: string): ClusterStatus => ({nodes: [{role: 'controller', state: controller}]}) as unknown as ClusterStatus

void describe('Slurm in the hpc manager', () => {
  void it('is ai-how managed only after a successful deploy of the shipped playbook', () => {
    assert.equal(slurmManaged(entry({ok: true, builtin: true})), true)
    assert.equal(slurmManaged(entry({ok: false, builtin: true})), false)
    assert.equal(slurmManaged(entry({ok: true, builtin: false})), false)
    assert.equal(slurmManaged(entry({ok: true})), false, 'an entry written before builtin existed')
    assert.equal(slurmManaged(undefined), false)
  })

  void it('status looks once (deadline 0) when managed and the controller runs; says why not otherwise', async () => {
    const deadlines: (number | undefined)[] = []
    const healthChecker: HealthChecker = {check: (_ctx, o) => (deadlines.push(o?.deadlineMs), Promise.resolve({healthy: true, checks: [], details: {nodes_up: '2/2'}}))}
    const ext = {ctx: {}, healthChecker} as unknown as KindExtensions
    assert.deepEqual(await slurmStatus(status('running'), entry({ok: true, builtin: true}), ext), {healthy: true, nodes_up: '2/2', checks: []})
    assert.deepEqual(deadlines, [0])
    assert.equal((await slurmStatus(status('shut off'), entry({ok: true, builtin: true}), ext)).reason, 'the controller does not run')
    assert.equal((await slurmStatus(status('running'), entry({ok: true, builtin: false}), ext)).healthy, null)
    assert.equal(deadlines.length, 1)
  })

  void it('the status line names the unhealthy nodes', () => {
    assert.equal(slurmStatusLine({healthy: true, nodes_up: '2/2'}), 'Slurm: healthy, compute nodes up 2/2\n')
    assert.equal(slurmStatusLine({healthy: false, nodes_up: '1/2', problems: ['c2: down (Not responding)'], error: null}), 'Slurm: NOT healthy, compute nodes up 1/2\n  c2: down (Not responding)\n')
    assert.equal(slurmStatusLine({healthy: null, reason: 'the controller does not run'}), 'Slurm: not checked (the controller does not run)\n')
  })
})

void describe('a failed deploy of the shipped playbook', () => {
  void it('gains what Slurm says of the nodes (one look); an own playbook or a healthy Slurm leaves it as it was', async () => {
    const error = new AiHowError('the deploy failed: slurm.yml failed (exit 2)', {code: 'DEPLOY_FAILED', actions: ['Read the deploy output in /o/logs/x.log.'], details: {logFile: '/o/logs/x.log'}})
    const ext = (healthy: boolean): KindExtensions => ({ctx: {}, healthChecker: {check: () => Promise.resolve({healthy, checks: [{name: 'slurm nodes', ok: healthy, message: 'c2: idle* (Not responding)'}]})}}) as unknown as KindExtensions
    const seen = await withSlurmView(error, true, ext(false))
    assert.equal(seen.code, 'DEPLOY_FAILED')
    assert.match(seen.message, /slurm\.yml failed \(exit 2\)\n {2}Slurm says:\n {4}c2: idle\* \(Not responding\)$/)
    assert.deepEqual(seen.actions, error.actions)
    assert.equal(await withSlurmView(error, false, ext(false)), error)
    assert.equal(await withSlurmView(error, true, ext(true)), error)
  })
})
