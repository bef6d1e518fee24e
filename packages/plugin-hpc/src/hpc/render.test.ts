/** The human summaries of hpc start and stop: the Slurm drain, the resume and the removed nodes. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import type {StartResult, StopResult} from '../vm/results.js'
import {hpcStartSummary, hpcStopSummary} from './render.js'

const stop: StopResult = {kind: 'hpc', name: 'lab', status: 'stopped', stopped: ['lab-controller'], forced: [], suspended: [], already_off: [], nodes: [], warnings: []}
const start: StartResult = {kind: 'hpc', name: 'lab', status: 'running', state_file: 's', network: 'n', pool: 'p', created: [], started: [], kept: [], ssh_ready: [], restored: [], clock: [], changes: []}

void describe('hpc summaries', () => {
  void it('stop says what the drain did, or why it did not run', () => {
    const drained = hpcStopSummary({...stop, drain: {reachable: true, error: null, drained: ['lab-compute-01', 'lab-compute-02'], busy: ['lab-compute-02'], by_hand: [], unknown: [], seconds: 3}} as StopResult)
    assert.match(drained, /Slurm: drained lab-compute-01, lab-compute-02; still running jobs at --drain-timeout: lab-compute-02; the next hpc start resumes them$/)
    assert.match(hpcStopSummary({...stop, drain: {not_run: '--skip-drain'}} as StopResult), /Slurm drain: not done \(--skip-drain\)$/)
    assert.match(hpcStopSummary({...stop, drain: {reachable: false, error: 'SSH failed', drained: [], busy: [], by_hand: [], unknown: [], seconds: 0}} as StopResult), /controller did not answer \(SSH failed\)$/)
  })

  void it('start names the removed and the resumed nodes', () => {
    const text = hpcStartSummary({...start, removed: ['lab-compute-03'], resumed: ['lab-compute-01']})
    assert.match(text, /removed \(no longer in the config\): lab-compute-03\n {2}Slurm: resumed lab-compute-01$/)
    assert.doesNotMatch(hpcStartSummary({...start, removed: [], resumed: []}), /Slurm|removed/)
  })
})
