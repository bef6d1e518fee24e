/**
 * The hpc kind's phases in the start timings: the deploy is its own phase (null when skipped), and
 * the Slurm steps after it (resume, health) are in `finish`, not in the deploy.
 */
import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'
import type {ClusterContext, DeployResult, Deployer, HealthChecker} from '@ai-how/core'
import type {HpcClusterConfig} from '../kind/types.js'
import {builtinPlaybookPath} from '../playbooks-dir.js'
import {fixtureCluster, makeFixture, removeFixtures} from '../vm/testing/cluster-fixture.js'
import type {Fixture} from '../vm/testing/cluster-fixture.js'
import {HpcClusterManager} from './manager.js'

after(removeFixtures)

function section(f: Fixture): HpcClusterConfig {
  const node = {cpu_cores: 1, memory_gb: 1, disk_gb: 10}
  return {
    name: f.spec.cluster.name, base_image_path: f.spec.baseImagePath, network: {subnet: '10.50.0.0/24', bridge: 'br-lab'},
    controller: {...node, ip_address: '10.50.0.10'}, compute_nodes: [{...node, ip: '10.50.0.11'}],
    slurm_config: {partitions: ['compute'], default_partition: 'compute'},
  }
}

async function timed(skipDeploy: boolean): Promise<{m: HpcClusterManager; f: Fixture}> {
  const f = await makeFixture(fixtureCluster('lab', 1))
  const clock = {now: 0}
  const hpc = section(f)
  const ctx = {cluster: f.spec.cluster, section: hpc, outputDir: f.spec.outputDir, statePath: f.spec.statePath, options: {}, loaded: {file: f.spec.configFile}, log: f.deps.log, signal: new AbortController().signal} as unknown as ClusterContext
  const deployer: Deployer = {deploy: () => {
    clock.now += 120_000
    return Promise.resolve({ok: true, summary: 'ok', builtin: true, playbook: builtinPlaybookPath()} as DeployResult)
  }}
  const healthChecker: HealthChecker = {check: () => {
    clock.now += 7000
    return Promise.resolve({healthy: true, checks: [{name: 'slurm', ok: true, message: 'up'}]})
  }}
  const deps = {...f.deps, clock: () => clock.now, extensions: {ctx, deployer, healthChecker}}
  return {m: new HpcClusterManager(f.spec, deps, {section: hpc, skipDeploy, healthTimeoutMs: 1000}), f}
}

void describe('hpc start timings', () => {
  void it('times the deploy as its own phase and the Slurm health after it in finish', async () => {
    const {m, f} = await timed(false)
    const t = (await m.start(f.run)).timings
    assert.deepEqual([t?.deploy_s, t?.finish_s, t?.total_s], [120, 7, 127])
  })

  void it('--skip-deploy: the deploy phase is null and nothing is checked in finish', async () => {
    const {m, f} = await timed(true)
    const t = (await m.start(f.run)).timings
    assert.deepEqual([t?.deploy_s, t?.finish_s, t?.total_s], [null, 0, 0])
  })
})
