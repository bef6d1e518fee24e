/**
 * scripts/bench-resume-report.ts: the settings of `npm run bench:resume` (and of its short CI run
 * in .ci/run) and the table it prints: medians, spread, ratio, machine and load.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {benchSettings, figure, median, report} from '../../scripts/bench-resume-report.js'

void describe('bench:resume report', () => {
  void it('reads its settings from the environment, with defaults, and refuses nonsense', () => {
    assert.deepEqual(benchSettings({}), {pairs: 2, nodes: 3, timeoutS: 1200})
    assert.deepEqual(benchSettings({AI_HOW_BENCH_PAIRS: '1', AI_HOW_BENCH_NODES: '1', AI_HOW_BENCH_TIMEOUT_S: '240'}), {pairs: 1, nodes: 1, timeoutS: 240})
    assert.throws(() => benchSettings({AI_HOW_BENCH_NODES: '4'}), /AI_HOW_BENCH_NODES=4: give a whole number from 1 to 3/)
    assert.throws(() => benchSettings({AI_HOW_BENCH_PAIRS: '0'}), /AI_HOW_BENCH_PAIRS=0/)
    assert.throws(() => benchSettings({AI_HOW_BENCH_TIMEOUT_S: '1.5'}), /AI_HOW_BENCH_TIMEOUT_S/)
  })

  void it('gives medians of odd and even counts and the spread of the runs', () => {
    assert.equal(median([3, 1, 2]), 2)
    assert.equal(median([4, 1, 3, 2]), 2.5)
    assert.ok(Number.isNaN(median([])))
    assert.equal(figure([92.04, 88.3, 101.26]), '92.0 s (88.3-101.3; runs 92.0, 88.3, 101.3)')
    assert.equal(figure([16.66]), '16.7 s (one run)')
    assert.equal(figure([]), 'no run')
  })

  void it('prints the machine, the load, both restarts, their ratio and the stops', () => {
    const text = report({
      settings: {pairs: 2, nodes: 3, timeoutS: 1200},
      machine: {cpus: '2 x Test CPU', memoryGiB: 7.75, loadBefore: 1.25, loadAfter: 3.5},
      firstStart: 180.44, cold: [90, 100], resume: [9, 11], stop: [8, 9], suspend: [6, 7],
    })
    assert.match(text, /3 running nodes \(controller \+ 2 compute\)/)
    assert.match(text, /2 alternating pair\(s\)/)
    assert.match(text, /Machine: 2 x Test CPU, 7\.8 GiB; load average \(1 min\) 1\.3 at the start, 3\.5 at the end/)
    assert.match(text, /\| `start` of a stopped cluster \(cold boot\) \| 95\.0 s \(90\.0-100\.0; runs 90\.0, 100\.0\) \|/)
    assert.match(text, /\| `start` of a suspended cluster \(restore\) \| 10\.0 s \(9\.0-11\.0; runs 9\.0, 11\.0\) \|/)
    assert.match(text, /\| ratio cold \/ resume \(medians\) \| 9\.5x \|/)
    assert.match(text, /\| `stop --suspend` before the restore \| 6\.5 s/)
    assert.match(text, /\| first `start` \(create the VMs, first boot\) \| 180\.4 s \|/)
    const one = report({settings: {pairs: 1, nodes: 1, timeoutS: 300}, machine: {cpus: 'x', memoryGiB: 1, loadBefore: 0, loadAfter: 0}, firstStart: 1, cold: [50], resume: [5], stop: [3], suspend: [2]})
    assert.match(one, /1 running node \(controller; the compute node only defined\)/)
    assert.match(one, /ratio cold \/ resume \(medians\) \| 10\.0x/)
  })

  void it('.ci/run runs a short bench after npm test, bounded by timeouts, with settings the bench accepts', () => {
    const ci = readFileSync(path.resolve(import.meta.dirname, '../../.ci/run'), 'utf8')
    const lines = ci.split('\n').filter((l) => !l.startsWith('#'))
    const test = lines.indexOf('npm test')
    const bench = lines.findIndex((l) => /^\s*timeout --kill-after=\d+ \d+ node --import tsx scripts\/bench-resume\.ts$/.test(l))
    assert.ok(test !== -1 && bench > test, 'the bench runs after npm test, under timeout')
    const env: Record<string, string> = {}
    for (const m of (lines[bench - 1] ?? '').matchAll(/(AI_HOW_BENCH_\w+)=(\S+)/g)) env[m[1] ?? ''] = m[2] ?? ''
    const settings = benchSettings(env)
    assert.deepEqual([settings.pairs, settings.nodes], [1, 1])
    const overall = Number(/timeout --kill-after=\d+ (\d+)/.exec(lines[bench] ?? '')?.[1])
    assert.ok(settings.timeoutS * 2 < overall, 'a slow command fails on its own limit (and is cleaned up) before the overall timeout')
  })
})
