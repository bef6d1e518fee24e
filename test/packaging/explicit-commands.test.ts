/**
 * oclif's `explicit` command strategy (each package's src/bundle.ts, esbuild.config.mjs) lists the
 * commands by hand: a command file that is not in its package's COMMANDS would silently be no command
 * at all. Each file under src/commands is listed under the id its path gives, with its own class, and
 * each hook that package.json names is exported by the bundle module.
 */
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {pathToFileURL} from 'node:url'

import {ENTRIES, PACKAGES} from '../../esbuild.config.mjs'
import {repoRoot} from '../e2e/harness/paths.js'

function commandFiles(dir: string, prefix: string[] = []): {id: string; file: string}[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
    if (e.isDirectory()) return commandFiles(path.join(dir, e.name), [...prefix, e.name])
    if (!e.name.endsWith('.ts') || e.name.endsWith('.test.ts')) return []
    return [{id: [...prefix, e.name.slice(0, -3)].join(':'), file: path.join(dir, e.name)}]
  })
}

interface OclifKeys {
  commands: {strategy: string; target: string; identifier: string}
  hooks?: Record<string, {target: string; identifier: string}>
}

void describe('explicit commands and hooks', () => {
  for (const name of PACKAGES as string[]) {
    void it(`${name}: every command file is in COMMANDS under its id, and every hook is exported`, async () => {
      const pkgDir = path.join(repoRoot, 'packages', name)
      const oclif = (JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as {oclif: OclifKeys}).oclif
      assert.equal(oclif.commands.strategy, 'explicit')
      assert.equal(oclif.commands.target, './dist/bundle.js')
      const mod = (await import(pathToFileURL(path.join(pkgDir, 'src', 'bundle.ts')).href)) as Record<string, unknown>
      const listed = mod[oclif.commands.identifier] as Record<string, unknown>
      const files = commandFiles(path.join(pkgDir, 'src', 'commands'))
      assert.deepEqual(Object.keys(listed).sort(), files.map((f) => f.id).sort())
      for (const f of files) {
        const own = (await import(pathToFileURL(f.file).href)) as {default: unknown}
        assert.equal(listed[f.id], own.default, `${f.id} is not the class of ${path.relative(repoRoot, f.file)}`)
      }
      for (const [event, hook] of Object.entries(oclif.hooks ?? {})) {
        const entry = /^\.\/dist\/([\w-]+)\.js$/.exec(hook.target)?.[1]
        assert.ok(entry !== undefined && (ENTRIES as Record<string, string[]>)[name]?.includes(entry), `hook ${event}: ${hook.target} is not one of the bundled entries`)
        const source = (await import(pathToFileURL(path.join(pkgDir, 'src', `${entry}.ts`)).href)) as Record<string, unknown>
        assert.equal(typeof source[hook.identifier], 'function', `hook ${event}: ${hook.identifier} is not exported by src/${entry}.ts`)
      }
    })
  }
})
