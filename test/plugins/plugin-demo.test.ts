/**
 * A third-party plugin (test/fixtures/plugin-demo, plain ESM JavaScript, no dependency on
 * @ai-how/core) linked into the real binary: its command runs, its cluster kind validates and
 * appears in the schema; a plugin whose hook throws makes kind-loading commands fail, naming it.
 * The steps run in order and share one isolated data dir.
 */
import assert from 'node:assert/strict'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import type {Sandbox} from './cli.js'
import {assertBuilt, repoRoot, sandbox, show} from './cli.js'
import {badDemoConfig, badDemoFields, goodDemoConfig, lineOf} from './demo-configs.js'

const demoDir = path.join(repoRoot, 'test/fixtures/plugin-demo')
const brokenDir = path.join(repoRoot, 'test/fixtures/plugin-demo-broken')

/** The `clusters.<kind>` schemas of `ai-how schema`'s output. */
function clusterSchemas(stdout: string): Partial<Record<string, Record<string, unknown>>> {
  const schema = JSON.parse(stdout) as {properties: {clusters: {properties: Record<string, Record<string, unknown>>}}}
  return schema.properties.clusters.properties
}

void describe('a linked third-party plugin (ai-how-plugin-demo)', () => {
  let box: Sandbox
  let good: string
  let bad: string
  before(async () => {
    assertBuilt()
    box = await sandbox()
    good = path.join(box.dir, 'good-demo.yaml')
    bad = path.join(box.dir, 'bad-demo.yaml')
    await writeFile(good, goodDemoConfig)
    await writeFile(bad, badDemoConfig)
  })
  after(async () => {
    await box.dispose()
  })

  void it('is unknown before it is linked', async () => {
    const hello = await box.run(['demo', 'hello'])
    assert.equal(hello.code, 2, show(hello))
    assert.match(hello.stderr, /"demo" is not an ai-how command/, show(hello))
    const validate = await box.run(['validate', good])
    assert.equal(validate.code, 2, show(validate))
    assert.match(validate.stderr, /unknown cluster kind "demo"/, show(validate))
    const schema = await box.run(['schema'])
    assert.equal(schema.code, 0, show(schema))
    assert.equal(clusterSchemas(schema.stdout).demo, undefined)
  })

  void it('links with --no-install and shows as a linked plugin', async () => {
    const link = await box.run(['plugins', 'link', demoDir, '--no-install'])
    assert.equal(link.code, 0, show(link))
    const list = await box.run(['plugins'])
    assert.match(list.stdout, /^ai-how-plugin-demo 0\.1\.0 \(link\)/m, show(list))
  })

  void it('runs its command: ai-how demo hello', async () => {
    const r = await box.run(['demo', 'hello', '--name', 'tester'])
    assert.equal(r.code, 0, show(r))
    assert.equal(r.stdout.trim(), 'hello tester from ai-how-plugin-demo')
  })

  void it('validates a good clusters.demo section (exit 0)', async () => {
    const r = await box.run(['validate', good])
    assert.equal(r.code, 0, show(r))
  })

  void it('rejects a bad clusters.demo section with exit 2, naming each demo field at its file:line', async () => {
    const r = await box.run(['validate', bad])
    assert.equal(r.code, 2, show(r))
    const out = `${r.stdout}\n${r.stderr}`
    for (const field of badDemoFields) {
      const at = `${path.basename(bad)}:${lineOf(badDemoConfig, field.line)}:`
      const reported = out.split('\n').some((l) => l.includes(at) && l.includes(` ${field.path} `))
      assert.ok(reported, `expected a line with ${at} and ${field.path}\n${show(r)}`)
    }
    const json = await box.run(['validate', bad, '--json'])
    assert.equal(json.code, 2, show(json))
    const result = JSON.parse(json.stdout) as {valid: boolean; errors: {path: string; line: number}[]}
    assert.equal(result.valid, false)
    assert.deepEqual(
      result.errors.map((e) => [e.path, e.line]),
      badDemoFields.map((f) => [f.path, lineOf(badDemoConfig, f.line)]),
    )
  })

  void it('adds its fragment to ai-how schema', async () => {
    const r = await box.run(['schema'])
    assert.equal(r.code, 0, show(r))
    const clusters = clusterSchemas(r.stdout)
    const demo = clusters.demo
    assert.ok(demo, `no clusters.demo in ${Object.keys(clusters).join(', ')}`)
    assert.equal(demo.title, 'demo cluster (ai-how-plugin-demo)')
    assert.deepEqual(demo.required, ['name', 'network', 'nodes'])
    assert.equal(demo.additionalProperties, false)
  })

  void it('a linked plugin whose hook throws makes validate fail, naming that plugin', async () => {
    const link = await box.run(['plugins', 'link', brokenDir, '--no-install'])
    assert.equal(link.code, 0, show(link))
    const r = await box.run(['validate', good])
    assert.equal(r.code, 1, show(r))
    assert.match(r.stderr, /ai-how-plugin-demo-broken/, show(r))
    assert.match(r.stderr, /demo-broken exploded while listing its cluster kinds/, show(r))
  })

  void it('unlinking the broken plugin restores validate; unlinking the demo removes its kind and command', async () => {
    const unlinkBroken = await box.run(['plugins', 'unlink', 'ai-how-plugin-demo-broken'])
    assert.equal(unlinkBroken.code, 0, show(unlinkBroken))
    const restored = await box.run(['validate', good])
    assert.equal(restored.code, 0, show(restored))
    const unlinkDemo = await box.run(['plugins', 'unlink', 'ai-how-plugin-demo'])
    assert.equal(unlinkDemo.code, 0, show(unlinkDemo))
    const hello = await box.run(['demo', 'hello'])
    assert.equal(hello.code, 2, show(hello))
    assert.match(hello.stderr, /"demo" is not an ai-how command/, show(hello))
    const validate = await box.run(['validate', good])
    assert.equal(validate.code, 2, show(validate))
  })
})
