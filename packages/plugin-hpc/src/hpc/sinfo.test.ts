/** Parsing `sinfo -N -h -o '%N|%T|%E'` and judging it against the compute nodes that should be up. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {judgeSlurm, parseSinfo} from './sinfo.js'

const OUT = [
  'lab-compute-01|idle|none',
  'lab-compute-02|down*|Not responding',
  'lab-compute-03|drained|ai-how stop',
  'lab-compute-01|idle|none',
  'lab-compute-04|mixed|none',
  '',
].join('\n')

void describe('sinfo', () => {
  void it('lists each node once with its state and reason (none: null)', () => {
    assert.deepEqual(parseSinfo(OUT), [
      {name: 'lab-compute-01', state: 'idle', reason: null},
      {name: 'lab-compute-02', state: 'down*', reason: 'Not responding'},
      {name: 'lab-compute-03', state: 'drained', reason: 'ai-how stop'},
      {name: 'lab-compute-04', state: 'mixed', reason: null},
    ])
  })

  void it('healthy only when every expected node is idle, mixed or allocated; others named with state and reason', () => {
    const nodes = parseSinfo(OUT)
    assert.equal(judgeSlurm(nodes, ['lab-compute-01', 'lab-compute-04']).healthy, true)
    const view = judgeSlurm(nodes, ['lab-compute-01', 'lab-compute-02', 'lab-compute-03', 'lab-compute-09'])
    assert.equal(view.healthy, false)
    assert.equal(view.nodes_up, '1/4')
    assert.deepEqual(view.problems, ['lab-compute-02: down* (Not responding)', 'lab-compute-03: drained (ai-how stop)', 'lab-compute-09: not known to Slurm (missing from slurm.conf)'])
  })

  void it('a not-responding idle node (idle*) is not healthy', () => {
    assert.equal(judgeSlurm(parseSinfo('n1|idle*|none\n'), ['n1']).healthy, false)
  })
})
