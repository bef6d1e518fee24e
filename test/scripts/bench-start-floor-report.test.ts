/**
 * scripts/bench-start-floor-report.ts: the settings of `npm run bench:floor`, the order of the
 * runs, the median of each phase, and the Markdown: floor (a) and (b), ai-how, the ratios with the
 * goal met or missed, and ai-how's phases.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {floorReport, floorSettings, phaseMedian, runOrder} from '../../scripts/bench-start-floor-report.js'

void describe('bench:floor report', () => {
  void it('reads its settings from the environment, with defaults, and refuses nonsense', () => {
    assert.deepEqual(floorSettings({}), {kinds: ['hpc'], modes: ['cold'], nodes: 1, pairs: 3, timeoutS: 1200})
    assert.deepEqual(floorSettings({AI_HOW_BENCH_MODES: 'boot, warm'}).modes, ['cold', 'warm', 'boot'])
    assert.throws(() => floorSettings({AI_HOW_BENCH_MODES: 'hot'}), /AI_HOW_BENCH_MODES=hot: give cold, warm and\/or boot/)
    assert.deepEqual(floorSettings({AI_HOW_BENCH_KINDS: 'hpc, cloud', AI_HOW_BENCH_NODES: '3', AI_HOW_BENCH_PAIRS: '5'}).kinds, ['hpc', 'cloud'])
    assert.throws(() => floorSettings({AI_HOW_BENCH_KINDS: 'hpc,k8s'}), /AI_HOW_BENCH_KINDS=hpc,k8s: give hpc, cloud or hpc,cloud/)
    assert.throws(() => floorSettings({AI_HOW_BENCH_NODES: '4'}), /AI_HOW_BENCH_NODES=4/)
  })

  void it('alternates which side runs first in each pair', () => {
    assert.deepEqual(runOrder(3), ['floor', 'ai-how', 'ai-how', 'floor', 'floor', 'ai-how'])
  })

  void it('takes the median of a phase over the runs where it ran', () => {
    const runs = [{seconds: 1, timings: {shared_s: 3, deploy_s: null}}, {seconds: 1, timings: {shared_s: 5, deploy_s: null}}]
    assert.equal(phaseMedian(runs, 'shared_s'), 4)
    assert.equal(phaseMedian(runs, 'deploy_s'), null)
  })

  void it('prints both floors, ai-how, the ratios against the goal and the phases', () => {
    const timings = (total: number): Record<string, unknown> => ({total_s: total, prepare_s: 1, shared_s: 4, nodes_s: 2, ssh_wait_s: total - 7, boot_to_ssh_s: 50, ssh_to_cloud_init_s: 10, deploy_s: null, finish_s: 0})
    const text = floorReport({
      settings: {kinds: ['hpc'], modes: ['cold'], nodes: 1, pairs: 3, timeoutS: 600},
      machine: {cpus: '2 x Test CPU', memoryGiB: 8, loadBefore: 1.5, loadAfter: 2.25},
      kinds: [{kind: 'hpc', floor: [{ssh: 50, cloudInit: 60}, {ssh: 40, cloudInit: 58}, {ssh: 45, cloudInit: 62}], aiHow: [{seconds: 66, timings: timings(65)}, {seconds: 70, timings: timings(69)}, {seconds: 62, timings: timings(61)}]}],
    })
    assert.match(text, /^1 running node\(s\), 1 vCPU and 1 GiB each, .* 3 alternating pair\(s\) per kind; ai-how runs: cold\.$/m)
    assert.match(text, /load average \(1 min\) 1\.5 at the start, 2\.3 at the end/)
    assert.match(text, /\| floor \(a\): `virsh create` until SSH accepts the key \| 45\.0 s \(40\.0-50\.0; runs 50\.0, 40\.0, 45\.0\) \|/)
    assert.match(text, /\| floor \(b\): .* \| 60\.0 s \(58\.0-62\.0; runs 60\.0, 58\.0, 62\.0\) \|/)
    assert.match(text, /\| ai-how: `hpc start --skip-deploy`.* \| 66\.0 s \(62\.0-70\.0; runs 66\.0, 70\.0, 62\.0\) \|/)
    assert.match(text, /\| ratio ai-how \/ floor \(b\) \| 1\.10x \(goal 1\.05x: MISSED\) \|/)
    assert.match(text, /\| ratio ai-how \/ floor \(a\) \| 1\.47x \|/)
    assert.match(text, /ai-how's own timings \(median per phase, s\): prepare 1\.0, shared 4\.0, nodes 2\.0, ssh_wait 58\.0, boot_to_ssh 50\.0, ssh_to_cloud_init 10\.0, finish 0\.0, total 65\.0\./)
  })

  void it('adds the warm starts and the boots of the stopped cluster, with their ratio to floor (b) and their phases', () => {
    const run = (seconds: number, shared: number): {seconds: number; timings: Record<string, unknown>} => ({seconds, timings: {total_s: seconds - 0.2, shared_s: shared, boot_to_ssh_s: 20}})
    const text = floorReport({
      settings: {kinds: ['cloud'], modes: ['cold', 'warm', 'boot'], nodes: 1, pairs: 1, timeoutS: 600},
      machine: {cpus: '2 x Test CPU', memoryGiB: 8, loadBefore: 1, loadAfter: 1},
      kinds: [{kind: 'cloud', floor: [{ssh: 30, cloudInit: 40}], aiHow: [run(42, 0.8)], warm: [run(41, 0.1)], boot: [run(30, 0.1)]}],
    })
    assert.match(text, /ai-how runs: cold, warm, boot\.$/m)
    assert.match(text, /\| ai-how warm: `cloud start --skip-deploy`, network, pool and base volume exist, new domains \| 41\.0 s .*\|\n\| ratio ai-how warm \/ floor \(b\) \| 1\.02x \|/)
    assert.match(text, /\| ai-how boot: `cloud start --skip-deploy`, boot of the stopped cluster \| 30\.0 s .*\|\n\| ratio ai-how boot \/ floor \(b\) \| 0\.75x \|/)
    assert.match(text, /^The same, warm: prepare -, shared 0\.1, .*total 40\.8\.$/m)
    assert.match(text, /^The same, boot: .*boot_to_ssh 20\.0, .*total 29\.8\.$/m)
  })
})
