/** The first-party plugins load as core plugins of the real binary. */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import type {Sandbox} from './cli.js'
import {assertBuilt, repoRoot, sandbox, show} from './cli.js'

const FIRST_PARTY = ['plugin-hpc', 'plugin-cloud', 'plugin-gpu-passthrough']

function versionOf(pkg: string): string {
  const json = JSON.parse(readFileSync(path.join(repoRoot, 'packages', pkg, 'package.json'), 'utf8')) as {version: string}
  return json.version
}

void describe('ai-how plugins (first-party plugins)', () => {
  let box: Sandbox
  before(async () => {
    assertBuilt()
    box = await sandbox()
  })
  after(async () => {
    await box.dispose()
  })

  void it('plugins --json lists @ai-how/plugin-hpc, -cloud and -gpu-passthrough as core plugins', async () => {
    const r = await box.run(['plugins', '--json'])
    assert.equal(r.code, 0, show(r))
    const plugins = JSON.parse(r.stdout) as {name: string; type: string; version: string}[]
    for (const p of FIRST_PARTY) {
      const found = plugins.find((x) => x.name === `@ai-how/${p}`)
      assert.ok(found, `@ai-how/${p} missing from ${plugins.map((x) => x.name).join(', ')}`)
      assert.equal(found.type, 'core')
      assert.equal(found.version, versionOf(p))
    }
  })

  void it('plain `plugins` (and `plugins --core`) shows each of them', async () => {
    for (const argv of [['plugins'], ['plugins', '--core']]) {
      const r = await box.run(argv)
      assert.equal(r.code, 0, show(r))
      assert.doesNotMatch(r.stdout, /No plugins installed/)
      for (const p of FIRST_PARTY) {
        // plugin-plugins prints friendly names: `@ai-how/plugin-hpc` shows as `hpc` (scope ai-how).
        const short = p.replace(/^plugin-/, '')
        assert.match(r.stdout, new RegExp(`^${short} ${versionOf(p).replaceAll('.', '\\.')} \\(core\\)$`, 'm'), show(r))
      }
    }
  })
})
