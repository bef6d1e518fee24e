/**
 * The --json documents of `hpc start`, `hpc stop` and `hpc destroy` (what the commands return,
 * shaped by core's jsonDocument) over the in-memory hypervisor match docs/json/hpc-*.schema.json:
 * a real start needs booted VMs, so test/docs/json-schemas.test.ts cannot produce this one.
 */
import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'
import {jsonDocument} from '@ai-how/core'
import type {ClusterContext} from '@ai-how/core'
import {assertDocument} from '../../../../test/docs/json-schema-support.js'
import type {HpcClusterConfig} from '../kind/types.js'
import {fixtureCluster, makeFixture, removeFixtures} from '../vm/testing/cluster-fixture.js'
import type {Fixture} from '../vm/testing/cluster-fixture.js'
import {hpcDeployer} from './deployer.js'
import {HpcClusterManager} from './manager.js'

function section(f: Fixture): HpcClusterConfig {
  const node = {cpu_cores: 1, memory_gb: 1, disk_gb: 10}
  return {
    name: f.spec.cluster.name,
    base_image_path: f.spec.baseImagePath,
    network: {subnet: '10.50.0.0/24', bridge: 'br-lab'},
    controller: {...node, ip_address: '10.50.0.10'},
    compute_nodes: [{...node, ip: '10.50.0.11'}],
    slurm_config: {partitions: ['compute'], default_partition: 'compute'},
  }
}

function manager(f: Fixture): HpcClusterManager {
  const hpc = section(f)
  const ctx = {cluster: f.spec.cluster, section: hpc, outputDir: f.spec.outputDir, statePath: f.spec.statePath, options: {}, loaded: {file: f.spec.configFile}, log: f.deps.log, signal: new AbortController().signal} as unknown as ClusterContext
  return new HpcClusterManager(f.spec, {...f.deps, extensions: {ctx, deployer: hpcDeployer}}, {section: hpc, skipDeploy: true})
}

after(removeFixtures)

void describe('hpc start, stop and destroy --json', () => {
  void it('each result is the document its schema in docs/json describes', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    assertDocument('hpc-start', jsonDocument(await manager(f).start(f.run)))
    // Again, on the running cluster: every VM kept.
    assertDocument('hpc-start', jsonDocument(await manager(f).start(f.run)))
    const stopped = await manager(f).stop(f.run, 0)
    assert.equal(stopped.nodes.length, 2, 'both VMs were running: the document lists how each stopped')
    assertDocument('hpc-stop', jsonDocument(stopped))
    assertDocument('hpc-destroy', jsonDocument(await manager(f).destroy(f.run, {confirmed: true})))
  })
})
