/**
 * The hpc additions to the VM lifecycle, over the in-memory hypervisor: the inventory written after
 * SSH (and removed again by a rollback), when the deploy playbook runs or is skipped, and the live
 * inventory of `ai-how inventory`.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {access, readFile, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {StateStore} from '@ai-how/core'
import type {ClusterContext, DeployResult, Deployer, HealthChecker} from '@ai-how/core'
import type {HpcClusterConfig} from '../kind/types.js'
import {fixtureCluster, makeFixture, removeFixtures} from '../vm/testing/cluster-fixture.js'
import type {Fixture} from '../vm/testing/cluster-fixture.js'
import {hpcDeployer} from './deployer.js'
import {createHpcInventoryGenerator} from './inventory-generator.js'
import {HpcClusterManager} from './manager.js'
import {mungeKeyPath} from './munge-key.js'
import {builtinPlaybookPath} from '../playbooks-dir.js'

function section(f: Fixture, playbook?: string): HpcClusterConfig {
  const node = {cpu_cores: 1, memory_gb: 1, disk_gb: 10}
  return {
    name: f.spec.cluster.name,
    base_image_path: f.spec.baseImagePath,
    network: {subnet: '10.50.0.0/24', bridge: 'br-lab'},
    controller: {...node, ip_address: '10.50.0.10'},
    compute_nodes: [{...node, ip: '10.50.0.11'}],
    slurm_config: {partitions: ['compute'], default_partition: 'compute'},
    ...(playbook === undefined ? {} : {deploy: {playbook}}),
  }
}

function context(f: Fixture, hpc: HpcClusterConfig): ClusterContext {
  return {cluster: f.spec.cluster, section: hpc, outputDir: f.spec.outputDir, statePath: f.spec.statePath, options: {}, loaded: {file: f.spec.configFile}, log: f.deps.log, signal: new AbortController().signal} as unknown as ClusterContext
}

/** The manager as the provisioner builds it: with the deployer resolved for the kind (here the kind's own). */
function manager(f: Fixture, hpc: HpcClusterConfig, skipDeploy = false): HpcClusterManager {
  return new HpcClusterManager(f.spec, {...f.deps, extensions: {ctx: context(f, hpc), deployer: hpcDeployer}}, {section: hpc, skipDeploy})
}

after(removeFixtures)

/** The deploy tests run the real ansible-playbook: test/e2e/setup-host.sh --install-only (.ci/run) installs ansible-core. */
function requireAnsible(): void {
  assert.equal(spawnSync('sh', ['-c', 'command -v ansible-playbook']).status, 0, 'ansible-playbook is missing: install ansible-core (test/e2e/setup-host.sh --install-only)')
}

void describe('HpcClusterManager', () => {
  void it('writes the inventory of the running nodes after SSH, with the cluster key and known_hosts', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    const result = await manager(f, section(f), true).start(f.run)
    const inventory = await readFile(path.join(f.spec.outputDir, 'lab', 'inventory.ini'), 'utf8')
    assert.match(inventory, /^lab-controller ansible_host=10\.50\.0\.10 /m)
    assert.match(inventory, /^lab-compute-01 ansible_host=10\.50\.0\.11 /m)
    assert.ok(inventory.includes(`ansible_ssh_common_args="-o 'UserKnownHostsFile=\\"${f.spec.ssh.knownHostsFile}\\"' -o StrictHostKeyChecking=yes"`), inventory)
    assert.ok(inventory.includes(path.join(f.spec.outputDir, 'keys', 'lab', 'id_ed25519')))
    assert.deepEqual(result.deploy, {ran: false, reason: '--skip-deploy'})
  })

  void it('a failing deploy rolls the run back, inventory included; a later run with --skip-deploy skips it', async () => {
    requireAnsible()
    const f = await makeFixture(fixtureCluster('lab', 1))
    const playbook = path.join(f.dir, 'missing-playbook.yml')
    const first = manager(f, section(f, playbook))
    await assert.rejects(first.start(f.run), (e: {code?: string; message?: string; details?: {exitCode?: number}}) => {
      assert.equal(e.code, 'DEPLOY_FAILED', e.message)
      assert.equal(e.details?.exitCode, 1, 'ansible-playbook exits 1 for a playbook that does not exist')
      assert.match(e.message ?? '', /missing-playbook\.yml failed \(exit 1\)/)
      return true
    })
    assert.deepEqual(f.hv.inventory(), [])
    await assert.rejects(access(path.join(f.spec.outputDir, 'lab', 'inventory.ini')))
    const skipped = await manager(f, section(f, playbook), true).start(f.run)
    assert.deepEqual(skipped.deploy, {ran: false, reason: '--skip-deploy'})
  })

  void it('a deploy whose play matches no host fails (ansible-playbook exits 0), naming every running node missing from the recap', async () => {
    requireAnsible()
    const f = await makeFixture(fixtureCluster('lab', 1))
    const playbook = path.join(f.dir, 'nobody.yml')
    await writeFile(playbook, '- hosts: nobody\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n')
    await assert.rejects(manager(f, section(f, playbook)).start(f.run), (e: {code?: string; message?: string; details?: {exitCode?: number}}) => {
      assert.equal(e.code, 'DEPLOY_FAILED')
      assert.equal(e.details?.exitCode, 0)
      assert.match(e.message ?? '', /nobody\.yml exited 0 but did not deploy every node/)
      assert.match(e.message ?? '', /lab-controller is not in the PLAY RECAP/)
      assert.match(e.message ?? '', /lab-compute-01 is not in the PLAY RECAP/)
      return true
    })
    assert.deepEqual(f.hv.inventory(), [], 'the run was rolled back')
  })

  void it('hands the deployer the hosts of the inventory it wrote (the running nodes) as the hosts the recap must cover', async () => {
    const cluster = fixtureCluster('lab', 2)
    cluster.nodes = cluster.nodes.map((n) => (n.vmName === 'lab-compute-02' ? {...n, autoStart: false} : n))
    const f = await makeFixture(cluster)
    const hpc = section(f, path.join(f.dir, 'site.yml'))
    const calls: (readonly string[] | undefined)[] = []
    const deployer: Deployer = {
      deploy: (_ctx, _inventory, progress) => {
        calls.push(progress?.hosts)
        return Promise.resolve({ok: true, summary: 'recorded'})
      },
    }
    await new HpcClusterManager(f.spec, {...f.deps, extensions: {ctx: context(f, hpc), deployer}}, {section: hpc, skipDeploy: false}).start(f.run)
    assert.deepEqual(calls, [['lab-controller', 'lab-compute-01']])
  })

  void it('skips the deploy when nothing was created and the last deploy of the same playbook succeeded', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    const playbook = path.join(f.dir, 'site.yml')
    await writeFile(playbook, '- hosts: all\n  gather_facts: false\n  tasks: []\n')
    await manager(f, section(f, playbook), true).start(f.run)
    await new StateStore(f.spec.statePath).update((doc) => {
      (doc.hpc_cluster as {deploy: unknown}).deploy = {ok: true, playbook}
    })
    const again = await manager(f, section(f, playbook)).start(f.run)
    assert.deepEqual(again.deploy, {ran: false, reason: 'no VM was created and the last deploy succeeded'})
  })

  void it('with no deploy.playbook: generates the munge key, deploys, checks Slurm health and records builtin + slurm; destroy removes the key', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    const hpc = section(f)
    const deployed: string[] = []
    const deployer: Deployer = {
      deploy: async () => {
        const key = await stat(mungeKeyPath(f.spec.outputDir, 'lab'))
        deployed.push((key.mode & 0o777).toString(8))
        return {ok: true, summary: 'slurm.yml succeeded', builtin: true, playbook: builtinPlaybookPath(), logFile: '/out/logs/lab-deploy.log'} as DeployResult
      },
    }
    const healthChecker: HealthChecker = {check: () => Promise.resolve({healthy: true, checks: [{name: 'slurm nodes', ok: true, message: '1/1 compute node(s) up'}], details: {nodes_up: '1/1'}})}
    const m = new HpcClusterManager(f.spec, {...f.deps, extensions: {ctx: context(f, hpc), deployer, healthChecker}}, {section: hpc, skipDeploy: false})
    await m.start(f.run)
    assert.deepEqual(deployed, ['600'], 'the key exists, 0600, when the deploy runs')
    const entry = (await new StateStore(f.spec.statePath).getEntry('hpc_cluster')) as unknown as {deploy: {builtin: boolean; ok: boolean; playbook: string}; slurm: {healthy: boolean; nodes_up: string}}
    assert.equal(entry.deploy.builtin, true)
    assert.equal(entry.deploy.playbook, builtinPlaybookPath())
    assert.equal(entry.slurm.healthy, true)
    assert.equal(entry.slurm.nodes_up, '1/1')
    const again = await m.start(f.run)
    assert.deepEqual(again.deploy, {ran: false, reason: 'no VM was created and the last deploy succeeded'})
    const forced = await new HpcClusterManager(f.spec, {...f.deps, extensions: {ctx: context(f, hpc), deployer, healthChecker}}, {section: hpc, skipDeploy: false, redeploy: true}).start(f.run)
    assert.equal((forced.deploy as {ran: boolean}).ran, true, '--redeploy runs it anyway')
    await m.stop(f.run, 5000)
    const stopped = (await new StateStore(f.spec.statePath).getEntry('hpc_cluster')) as unknown as {deploy: {builtin: boolean}; slurm: {healthy: unknown; nodes_up: string}}
    assert.deepEqual([stopped.deploy.builtin, stopped.slurm.healthy, stopped.slurm.nodes_up], [true, null, '1/1'], 'stopped: no healthy claim, the deploy facts kept')
    await m.destroy(f.run, {confirmed: true})
    await assert.rejects(access(mungeKeyPath(f.spec.outputDir, 'lab')), {code: 'ENOENT'})
  })

  void it('an unhealthy Slurm fails the start naming each node with its reason and the deploy log; the new munge key is rolled back', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    const hpc = section(f)
    const deployer: Deployer = {deploy: () => Promise.resolve({ok: true, summary: 'ok', builtin: true, playbook: builtinPlaybookPath(), logFile: '/out/logs/lab-deploy-1.log'} as DeployResult)}
    const healthChecker: HealthChecker = {check: () => Promise.resolve({healthy: false, checks: [{name: 'slurm nodes', ok: false, message: 'lab-compute-01: down* (Not responding)'}]})}
    const m = new HpcClusterManager(f.spec, {...f.deps, extensions: {ctx: context(f, hpc), deployer, healthChecker}}, {section: hpc, skipDeploy: false, healthTimeoutMs: 1000})
    await assert.rejects(m.start(f.run), (e: {code?: string; message?: string}) => {
      assert.equal(e.code, 'SLURM_UNHEALTHY')
      assert.match(e.message ?? '', /lab-compute-01: down\* \(Not responding\)/)
      assert.match(e.message ?? '', /deploy log: \/out\/logs\/lab-deploy-1\.log/)
      return true
    })
    await assert.rejects(access(mungeKeyPath(f.spec.outputDir, 'lab')), {code: 'ENOENT'})
  })

  void it('does not check Slurm health after a deploy of the config own playbook', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    const hpc = section(f, path.join(f.dir, 'site.yml'))
    const deployer: Deployer = {deploy: () => Promise.resolve({ok: true, summary: 'ok', builtin: false} as DeployResult)}
    let checked = 0
    const healthChecker: HealthChecker = {check: () => Promise.resolve({healthy: false, checks: [{name: 'x', ok: false, message: String(++checked)}]})}
    await new HpcClusterManager(f.spec, {...f.deps, extensions: {ctx: context(f, hpc), deployer, healthChecker}}, {section: hpc, skipDeploy: false}).start(f.run)
    assert.equal(checked, 0)
    await assert.rejects(access(mungeKeyPath(f.spec.outputDir, 'lab')), {code: 'ENOENT'}, 'no munge key for an own playbook')
  })
})

void describe('hpc inventory generator', () => {
  void it('lists every node with its configured IP before the VMs exist, and only running ones with live IPs after', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    const ctx = context(f, section(f))
    const generator = createHpcInventoryGenerator(() => f.hv)
    const before = await generator.generate(ctx, {format: 'ini'})
    assert.match(before, /^lab-controller ansible_host=10\.50\.0\.10 /m)
    assert.match(before, /^lab-compute-01 ansible_host=10\.50\.0\.11 /m)
    await manager(f, section(f), true).start(f.run)
    await f.hv.forceOffDomain('lab-compute-01')
    f.hv.addresses.set('lab-controller', '10.50.0.77')
    const live = await generator.generate(ctx, {format: 'yaml'})
    assert.match(live, /lab-controller:\n\s+ansible_host: 10\.50\.0\.77/)
    assert.doesNotMatch(live, /lab-compute-01:/)
  })
})
