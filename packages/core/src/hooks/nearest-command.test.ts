import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {editDistance, nearestCommand, shellWords} from './nearest-command.js'

const IDS = ['validate', 'plan', 'inventory', 'doctor', 'hpc:start', 'hpc:stop', 'hpc:status', 'hpc:destroy', 'cloud:start', 'gpu:list']

void describe('nearestCommand', () => {
  void it('compares a command with as many typed words as it has, so the arguments stay apart', () => {
    // oclif glues `ai-how hpc strat cfg.yaml` into hpc:strat:cfg.yaml
    assert.deepEqual(nearestCommand(['hpc', 'strat', 'cfg.yaml'], IDS), {id: 'hpc:start', words: 2, distance: 1})
    assert.deepEqual(nearestCommand(['valdate', 'x.yaml'], IDS), {id: 'validate', words: 1, distance: 1})
    assert.deepEqual(nearestCommand(['hpx', 'status'], IDS), {id: 'hpc:status', words: 2, distance: 1})
    // a swap of two letters is one typo: status, not start
    assert.deepEqual(nearestCommand(['hpc', 'stauts'], IDS), {id: 'hpc:status', words: 2, distance: 1})
  })

  void it('suggests nothing when no command is a plausible typo', () => {
    assert.equal(nearestCommand(['nosuchcommand'], IDS), undefined)
    assert.equal(nearestCommand(['deploy'], IDS), undefined)
  })
})

void describe('editDistance and shellWords', () => {
  void it('counts insertions, deletions, substitutions and neighbour swaps', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3)
    assert.equal(editDistance('strat', 'start'), 1)
    assert.equal(editDistance('ab', 'ba'), 1)
    assert.equal(editDistance('', 'abc'), 3)
    assert.equal(editDistance('plan', 'plan'), 0)
  })

  void it('quotes only the words a shell would split or expand', () => {
    assert.equal(shellWords(['ai-how', 'hpc', 'start', 'my cfg.yaml', "it's", '--json']), String.raw`ai-how hpc start 'my cfg.yaml' 'it'\''s' --json`)
  })
})
