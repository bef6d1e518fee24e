/**
 * Extension resolution through core with real oclif plugin loading: a third-party plugin linked in
 * the data dir (test/fixtures/plugin-deployer) that answers `ai-how:deployer` and
 * `ai-how:health-checker` for kind cloud replaces the cloud kind's own implementations in the
 * context that loadCluster builds (and in what the provisioner hands its manager), leaves the hpc
 * kind's alone, and a second plugin answering the same point (plugin-deployer-rival) is
 * PLUGIN_AMBIGUOUS.
 */
import assert from 'node:assert/strict'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {Config} from '@oclif/core'
import {AiHowCommand, hasCode, loadCluster, loadClusterKinds} from '@ai-how/core'
import type {ClusterContext, ClusterKind} from '@ai-how/core'
import {cloudDeployer, cloudHealthChecker} from '@ai-how/plugin-cloud'
import {hpcDeployer, kindExtensions} from '@ai-how/plugin-hpc'
import {assertBuilt, repoRoot} from './cli.js'

const PLUGIN = path.join(repoRoot, 'test/fixtures/plugin-deployer')
const RIVAL = path.join(repoRoot, 'test/fixtures/plugin-deployer-rival')

const CONFIG = `version: "1.0"
metadata: {name: extension-resolution, description: one cluster of each first-party kind}
clusters:
  hpc:
    name: hpc-ext
    base_image_path: /images/base.qcow2
    network: {subnet: 192.168.150.0/24, bridge: virbr150}
    controller: {cpu_cores: 1, memory_gb: 1, disk_gb: 10, ip_address: 192.168.150.10}
    compute_nodes: [{cpu_cores: 1, memory_gb: 1, disk_gb: 10, ip: 192.168.150.11}]
    slurm_config: {partitions: [compute], default_partition: compute}
  cloud:
    name: cloud-ext
    base_image_path: /images/base.qcow2
    network: {subnet: 192.168.200.0/24, bridge: virbr200}
    control_plane: {cpu_cores: 1, memory_gb: 1, disk_gb: 10, ip_address: 192.168.200.10}
    worker_nodes: [{cpu_cores: 1, memory_gb: 1, disk_gb: 10, ip: 192.168.200.11}]
    kubernetes_config: {cni: calico, ingress: nginx, storage_class: local-path}
`

/** A command to hand loadCluster (it needs only the command's config and logger). */
class Probe extends AiHowCommand {
  run(): Promise<void> {
    return Promise.resolve()
  }
}

let dir = ''
let configFile = ''

/** The real `ai-how` oclif Config with these plugin folders linked (as `ai-how plugins link` records them) in a data dir of its own. */
async function configWith(links: string[]): Promise<Config> {
  const data = await mkdtemp(path.join(dir, 'data-'))
  const plugins = await Promise.all(links.map(async (root) => ({name: (JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {name: string}).name, type: 'link', root})))
  await writeFile(path.join(data, 'package.json'), JSON.stringify({private: true, oclif: {schema: 1, plugins}}))
  const saved = {...process.env}
  Object.assign(process.env, {AI_HOW_DATA_DIR: data, AI_HOW_CACHE_DIR: path.join(data, 'cache'), AI_HOW_CONFIG_DIR: path.join(data, 'config')})
  try {
    return await Config.load(path.join(repoRoot, 'packages/core'))
  } finally {
    for (const key of ['AI_HOW_DATA_DIR', 'AI_HOW_CACHE_DIR', 'AI_HOW_CONFIG_DIR']) {
      if (saved[key] === undefined) Reflect.deleteProperty(process.env, key)
      else process.env[key] = saved[key]
    }
  }
}

async function contextOf(config: Config, kindKey: string): Promise<{kind: ClusterKind; ctx: ClusterContext}> {
  const kinds = await loadClusterKinds(config)
  return loadCluster(new Probe([], config), kinds, kindKey, configFile, {state: path.join(dir, 'output', 'state.json'), signal: new AbortController().signal, flags: {}})
}

async function resolved(ctx: ClusterContext, point: 'deployer' | 'healthChecker'): Promise<unknown> {
  assert.ok(ctx.resolve, 'loadCluster gives the context a resolve()')
  return ctx.resolve(point)
}

void describe('extension resolution (deployer, health checker) through core and oclif', () => {
  // oclif warns (when it loads a linked plugin's hook) that it cannot transpile plain ESM JavaScript.
  const esmWarning = process.env.OCLIF_DISABLE_LINKED_ESM_WARNING
  before(async () => {
    assertBuilt()
    process.env.OCLIF_DISABLE_LINKED_ESM_WARNING = '1'
    dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-extensions-'))
    await mkdir(path.join(dir, 'output'))
    configFile = path.join(dir, 'clusters.yaml')
    await writeFile(configFile, CONFIG)
  })
  after(async () => {
    if (esmWarning === undefined) delete process.env.OCLIF_DISABLE_LINKED_ESM_WARNING
    else process.env.OCLIF_DISABLE_LINKED_ESM_WARNING = esmWarning
    await rm(dir, {recursive: true, force: true})
  })

  void it('without a third-party plugin, each kind gets its own registered deployer and health checker', async () => {
    const config = await configWith([])
    const cloud = await contextOf(config, 'cloud')
    assert.equal(await resolved(cloud.ctx, 'deployer'), cloud.kind.deployer)
    assert.equal(cloud.kind.deployer, cloudDeployer)
    assert.equal(await resolved(cloud.ctx, 'healthChecker'), cloudHealthChecker)
    const hpc = await contextOf(config, 'hpc')
    assert.equal(await resolved(hpc.ctx, 'deployer'), hpc.kind.deployer)
    assert.equal(hpc.kind.deployer, hpcDeployer)
  })

  void it('a plugin answering ai-how:deployer and ai-how:health-checker for cloud replaces the kind\'s own, for cloud only', async () => {
    const config = await configWith([PLUGIN])
    assert.ok(config.plugins.has('ai-how-plugin-deployer'), [...config.plugins.keys()].join(', '))
    const {kind, ctx} = await contextOf(config, 'cloud')
    const deployer = (await resolved(ctx, 'deployer')) as typeof cloudDeployer
    assert.notEqual(deployer, kind.deployer)
    const result = await deployer.deploy(ctx, '/inv/inventory.ini')
    assert.equal(result.summary, 'ai-how-plugin-deployer deployed cloud-ext with /inv/inventory.ini')
    const checker = (await resolved(ctx, 'healthChecker')) as typeof cloudHealthChecker
    assert.notEqual(checker, cloudHealthChecker)
    assert.deepEqual((await checker.check(ctx)).checks.map((c) => c.message), ['cloud-ext looks fine to ai-how-plugin-deployer'])
    // What the cloud provisioner hands its manager is the plugin's pair.
    const extensions = await kindExtensions(ctx)
    assert.equal(extensions.deployer, deployer)
    assert.equal(extensions.healthChecker, checker)
    // The plugin answers undefined for hpc: that kind keeps its own.
    const hpc = await contextOf(config, 'hpc')
    assert.equal(await resolved(hpc.ctx, 'deployer'), hpcDeployer)
  })

  void it('two plugins answering the deployer of one kind is PLUGIN_AMBIGUOUS, naming both', async () => {
    const config = await configWith([PLUGIN, RIVAL])
    const {ctx} = await contextOf(config, 'cloud')
    await assert.rejects(resolved(ctx, 'deployer'), (e: Error) => {
      assert.ok(hasCode(e, 'PLUGIN_AMBIGUOUS'), String(e))
      assert.match(e.message, /several plugins provide the deployer of kind "cloud"/)
      assert.ok(e.message.includes('ai-how-plugin-deployer') && e.message.includes('ai-how-plugin-deployer-rival'), e.message)
      return true
    })
    // Only one of them answers the health checker: no ambiguity there.
    assert.notEqual(await resolved(ctx, 'healthChecker'), cloudHealthChecker)
  })
})
