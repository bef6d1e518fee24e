/** The plugin's hooks as core calls them: registered in package.json, loaded by oclif from dist/. */
import assert from 'node:assert/strict'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {Config} from '@oclif/core'
import {callHook} from '@ai-how/core'
import {isolatedDir} from '../test-support/cli.js'
import {makeCluster} from '../test-support/clusters.js'
import {REPO_ROOT, fixtureRoot} from '../test-support/paths.js'
import {hostdevsXml} from '../hostdev/hostdev-xml.js'

const PLUGIN = '@ai-how/plugin-gpu-passthrough'

void describe('GPU plugin hooks (through oclif)', () => {
  let config: Config
  before(async () => {
    const dir = await isolatedDir()
    process.env.AI_HOW_DATA_DIR = path.join(dir, 'data')
    process.env.AI_HOW_CACHE_DIR = path.join(dir, 'cache')
    process.env.AI_HOW_CONFIG_DIR = path.join(dir, 'config')
    config = await Config.load(path.join(REPO_ROOT, 'packages/core'))
  })

  void it('answers host checks for every cluster given, from the host root given', async () => {
    const clusters = [
      makeCluster({kind: 'hpc', name: 'h', nodes: [{key: 'controller', devices: [['0000:01:00.0', 'gpu'], ['0000:01:00.1', 'audio']]}]}),
      makeCluster({kind: 'cloud', name: 'c', nodes: [{key: 'control-plane'}, {key: 'gpu-worker-01', devices: [['0000:01:00.0', 'gpu']]}]}),
    ]
    const answers = await callHook(config, 'ai-how:host-checks', {clusters, hostRoot: fixtureRoot('workstation-nvidia')})
    const mine = answers.find((a) => a.plugin === PLUGIN)
    assert.ok(mine, `no answer from ${PLUGIN}: ${answers.map((a) => a.plugin).join(', ')}`)
    const failed = mine.result.filter((r) => !r.ok).map((r) => r.id)
    assert.deepEqual(failed, ['gpu.host.vfio-modules', 'gpu.iommu-group-13.driver', 'gpu.node.cloud.gpu-worker-01.iommu-group-13'])
  })

  void it('contributes hostdevs to a node with devices (control planes too) and nothing to the others', async () => {
    process.env.AI_HOW_SYSFS_ROOT = fixtureRoot('workstation-vfio')
    try {
      const cluster = makeCluster({kind: 'cloud', name: 'c', nodes: [{key: 'control-plane', devices: [['0000:01:00.0', 'gpu'], ['0000:01:00.1', 'audio']]}, {key: 'cpu-worker-01'}]})
      const [plane, worker] = cluster.nodes
      assert.ok(plane && worker)
      const withGpu = (await callHook(config, 'ai-how:node-contributions', {kind: 'cloud', cluster, node: plane})).find((a) => a.plugin === PLUGIN)
      assert.deepEqual(withGpu?.result, {devicesXml: hostdevsXml(plane.devices), disableGraphics: true, summary: 'NVIDIA GA102GL [RTX A6000] (0000:01:00.0)'})
      const without = (await callHook(config, 'ai-how:node-contributions', {kind: 'cloud', cluster, node: worker})).find((a) => a.plugin === PLUGIN)
      assert.equal(without?.result, undefined)
    } finally {
      delete process.env.AI_HOW_SYSFS_ROOT
    }
  })
})
