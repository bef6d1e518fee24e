/**
 * Every --json document of ai-how through the built CLI, against libvirt's test driver and the sysfs
 * fixtures, matches its schema in docs/json/ (ajv, draft 2020-12, strict mode), has format_version
 * first and no camelCase key, and the schema is tight: renaming any key fails it. Errors, parse
 * errors included, are the one error document. The start results (which need booted VMs) are
 * checked over the in-memory hypervisor by packages/plugin-{hpc,cloud}/src/**\/json-results.test.ts.
 */
import assert from 'node:assert/strict'
import {copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {execa} from 'execa'
import {assertDocument, schemaErrors, schemaNames, schemas} from './json-schema-support.js'

const root = path.resolve(import.meta.dirname, '../..')
const box = mkdtempSync(path.join(os.tmpdir(), 'ai-how-json-schemas-'))
after(() => {
  rmSync(box, {recursive: true, force: true})
})
for (const sub of ['data', 'cache', 'config', 'home', 'tmp', 'images']) mkdirSync(path.join(box, sub))
copyFileSync(path.join(root, 'examples/hpc-and-cloud.yaml'), path.join(box, 'cluster.yaml'))
writeFileSync(path.join(box, 'bad.yaml'), 'version: "1.0"\nmetadata: {name: x}\nclusters: {hpc: {name: 3}}\n')
const GPU_CONFIG = path.join(root, 'packages/plugin-gpu-passthrough/src/test-support/configs/shared-gpu.yaml')
const sysfs = (tree: string): string => path.join(root, 'test/fixtures/sysfs', tree)

interface Run {
  exitCode: number | undefined
  doc: unknown
}

async function aiHow(args: string[], sysfsTree = 'workstation-vfio'): Promise<Run> {
  const r = await execa(process.execPath, [path.join(root, 'packages/core/bin/run.js'), ...args, '--json'], {
    cwd: box,
    reject: false,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: path.join(box, 'home'),
      TMPDIR: path.join(box, 'tmp'),
      LIBVIRT_DEFAULT_URI: 'test:///default',
      AI_HOW_IMAGE_DIR: path.join(box, 'images'),
      AI_HOW_DATA_DIR: path.join(box, 'data'),
      AI_HOW_CACHE_DIR: path.join(box, 'cache'),
      AI_HOW_CONFIG_DIR: path.join(box, 'config'),
      AI_HOW_SYSFS_ROOT: sysfs(sysfsTree),
      NO_COLOR: '1',
    },
    extendEnv: false,
  })
  let doc: unknown
  try {
    doc = JSON.parse(r.stdout)
  } catch {
    assert.fail(`ai-how ${args.join(' ')} --json printed no JSON document (exit ${String(r.exitCode)}):\n${r.stdout}\n${r.stderr}`)
  }
  return {exitCode: r.exitCode, doc}
}

/** Objects whose keys are a kind's or an error code's own (checked for snake_case, not for names). */
const PLAN_DETAILS = /^\$\.clusters\[\d+\]\.items\[\d+\]\.details$/
const ERROR_DETAILS = /^\$\.details\b/

interface Case {
  schema: string
  args: string[]
  exit: number
  sysfs?: string
  open?: RegExp[]
}

const CASES: Case[] = [
  {schema: 'validate', args: ['validate', 'cluster.yaml'], exit: 0},
  {schema: 'validate', args: ['validate', 'bad.yaml'], exit: 2},
  {schema: 'validate-check-host', args: ['validate', 'cluster.yaml', '--check-host'], exit: 1},
  {schema: 'plan', args: ['plan', 'cluster.yaml', '--show-xml'], exit: 0, open: [PLAN_DETAILS]},
  {schema: 'inventory', args: ['inventory', 'cluster.yaml', 'hpc'], exit: 0},
  {schema: 'inventory', args: ['inventory', 'cluster.yaml', 'cloud', '--format', 'yaml', '-o', 'out/cloud.yml'], exit: 0},
  {schema: 'hpc-status', args: ['hpc', 'status', 'cluster.yaml'], exit: 0},
  {schema: 'cloud-status', args: ['cloud', 'status', 'cluster.yaml'], exit: 0},
  {schema: 'hpc-stop', args: ['hpc', 'stop', 'cluster.yaml'], exit: 0},
  {schema: 'cloud-stop', args: ['cloud', 'stop', 'cluster.yaml'], exit: 0},
  {schema: 'hpc-destroy', args: ['hpc', 'destroy', 'cluster.yaml', '--force'], exit: 0},
  {schema: 'cloud-destroy', args: ['cloud', 'destroy', 'cluster.yaml', '-f'], exit: 0},
  {schema: 'gpu-list', args: ['gpu', 'list'], exit: 0, sysfs: 'shared-group'},
  {schema: 'gpu-check', args: ['gpu', 'check', GPU_CONFIG], exit: 1, sysfs: 'workstation-nvidia'},
  {schema: 'doctor', args: ['doctor'], exit: -1},
  // Errors: parse errors (oclif's parser), an unknown command, a usage error of a command, config errors with details.
  {schema: 'error', args: ['validate', 'cluster.yaml', '--no-such-flag'], exit: 2},
  {schema: 'error', args: ['hpc', 'start'], exit: 2},
  {schema: 'error', args: ['hpc', 'strat', 'cluster.yaml'], exit: 2},
  {schema: 'error', args: ['plan', 'cluster.yaml', '--cluster', 'nosuch'], exit: 2},
  {schema: 'error', args: ['plan', 'bad.yaml'], exit: 2, open: [ERROR_DETAILS]},
  {schema: 'error', args: ['hpc', 'start', 'cluster.yaml', '--skip-deploy'], exit: 2, open: [ERROR_DETAILS]},
]

/** Schemas whose documents only a booted cluster gives: checked by the plugins' json-results tests. */
const COVERED_ELSEWHERE = ['check-result', 'cloud-start', 'hpc-start']

void describe('docs/json: the schemas of every --json document', () => {
  void it('compile in ajv strict mode, and each is checked by a case here or by a plugin test', () => {
    schemas()
    assert.deepEqual([...new Set([...CASES.map((c) => c.schema), ...COVERED_ELSEWHERE])].sort(), schemaNames())
  })

  for (const c of CASES) {
    void it(`ai-how ${c.args.join(' ')} --json matches docs/json/${c.schema}.schema.json`, async () => {
      const r = await aiHow(c.args, c.sysfs)
      if (c.exit >= 0) assert.equal(r.exitCode, c.exit, JSON.stringify(r.doc, null, 2))
      assertDocument(c.schema, r.doc, c.open)
      if (c.schema === 'error') assert.equal((r.doc as {exit_code: number}).exit_code, r.exitCode)
    })
  }

  void it('doctor exits 1 exactly when its document says a check failed', async () => {
    const r = await aiHow(['doctor'])
    assert.equal(r.exitCode, (r.doc as {ok: boolean}).ok ? 0 : 1)
  })

  void it('a document with the old camelCase keys fails its schema', () => {
    assert.notDeepEqual(schemaErrors('error', {format_version: 1, name: 'UsageError', code: 'USAGE', message: 'm', exitCode: 2, actions: []}), [])
    assert.notDeepEqual(schemaErrors('gpu-check', {config: 'c', ok: true, failed: 0, results: []}), [], 'format_version is required')
  })
})
