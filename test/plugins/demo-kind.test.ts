/**
 * The demo kind's registration on its own, in core's config loader: a draft 2020-12 schema that
 * separates good sections from bad ones, a describe() that names nodes <name>-node-NN, and no
 * runtime dependency at all (its hook loads from a folder with no node_modules in reach).
 */
import assert from 'node:assert/strict'
import {cp, mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {describe, it} from 'node:test'
import {parse} from 'yaml'
import type {ClusterKindRegistration, ConfigIssue, LoadedConfig} from '@ai-how/core'
import {hasCode} from '@ai-how/core'
import {loadConfig} from '../../packages/core/src/config/index.js'
import {repoRoot} from './cli.js'
import {badDemoConfig, badDemoFields, goodDemoConfig} from './demo-configs.js'

const demoDir = path.join(repoRoot, 'test/fixtures/plugin-demo')

async function registrations(dir: string): Promise<ClusterKindRegistration[]> {
  const mod = (await import(pathToFileURL(path.join(dir, 'hooks/kinds.js')).href)) as {default: () => Promise<ClusterKindRegistration[]>}
  return mod.default()
}

const demoSection = (yamlText: string): unknown => (parse(yamlText) as {clusters: {demo: unknown}}).clusters.demo

void describe('the demo cluster kind (test/fixtures/plugin-demo)', () => {
  void it('registers kind demo with state key demo_cluster and a draft 2020-12 schema that core enforces', async () => {
    const [kind, ...rest] = await registrations(demoDir)
    assert.ok(kind)
    assert.equal(rest.length, 0)
    assert.equal(kind.key, 'demo')
    assert.equal(kind.stateKey, 'demo_cluster')
    assert.equal(kind.schema.$schema, 'https://json-schema.org/draft/2020-12/schema')
    const dir = await mkdtemp(path.join(os.tmpdir(), 'demo-kind-'))
    try {
      await writeFile(path.join(dir, 'good.yaml'), goodDemoConfig)
      await writeFile(path.join(dir, 'bad.yaml'), badDemoConfig)
      const loaded = await loadConfig(path.join(dir, 'good.yaml'), [kind], {})
      assert.deepEqual(Object.keys(loaded.config.clusters), ['demo'])
      let issues: ConfigIssue[] = []
      await assert.rejects(loadConfig(path.join(dir, 'bad.yaml'), [kind], {}), (e: unknown) => {
        issues = (e as {details: ConfigIssue[]}).details
        return hasCode(e, 'CONFIG_INVALID')
      })
      assert.deepEqual(issues.map((i) => i.path), badDemoFields.map((f) => f.path))
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  void it('describes a section as a ClusterDescription with nodes <name>-node-NN', async () => {
    const [kind] = await registrations(demoDir)
    assert.ok(kind)
    const d = kind.describe(demoSection(goodDemoConfig), {} as Omit<LoadedConfig, 'warnings'>)
    assert.equal(d.kind, 'demo')
    assert.equal(d.name, 'demo-one')
    assert.deepEqual(d.namePath, ['clusters', 'demo', 'name'])
    assert.deepEqual([d.network.subnet, d.network.bridge], ['192.168.150.0/24', 'virbr150'])
    assert.deepEqual(d.network.subnetPath, ['clusters', 'demo', 'network', 'subnet'])
    assert.deepEqual(
      d.nodes.map((n) => [n.key, n.vmName, n.ip, n.cpuCores, n.memoryGb, n.diskGb]),
      [
        ['node-01', 'demo-one-node-01', '192.168.150.10', 2, 4, 20],
        ['node-02', 'demo-one-node-02', '192.168.150.11', 2, 4, 20],
      ],
    )
    assert.deepEqual(d.nodes[1]?.ipPath, ['clusters', 'demo', 'nodes', 1, 'ip'])
  })

  void it('loads its hook with no package in reach (no runtime dependency on @ai-how/core)', async () => {
    const alone = await mkdtemp(path.join(os.tmpdir(), 'plugin-demo-alone-'))
    try {
      for (const dir of ['hooks', 'lib', 'package.json']) await cp(path.join(demoDir, dir), path.join(alone, dir), {recursive: true})
      const [kind] = await registrations(alone)
      assert.equal(kind?.key, 'demo')
    } finally {
      await rm(alone, {recursive: true, force: true})
    }
  })
})
