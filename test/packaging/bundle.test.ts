/**
 * The built packages as `ai-how` loads them (esbuild.config.mjs after tsc, npm run build): each
 * package's entries are esbuild's bundles, and the repository's binary reads its own code and
 * @oclif/core, yaml and execa from those few files, not from a few hundred modules (start-up time:
 * docs/benchmarks.md). Every ES module the process loads is recorded by a loader hook.
 */
import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'

import {BANNER_MARK, ENTRIES} from '../../esbuild.config.mjs'
import {repoRoot} from '../e2e/harness/paths.js'

const bin = path.join(repoRoot, 'packages/core/bin/run.js')
/** Appends the path of every file the ESM loader loads to $LOADED (the hooks run in their own thread). */
const HOOKS = `import {appendFileSync} from 'node:fs'
export async function load(url, context, next) { if (url.startsWith('file:')) appendFileSync(process.env.LOADED, url + '\\n'); return next(url, context) }`
const REGISTER = `data:text/javascript,${encodeURIComponent(`import {register} from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)})`)}`
const BUNDLED = /\/packages\/[\w-]+\/dist\/(main|oclif-hooks|bundle|chunk-\w+)\.js$/

void describe('the bundles ai-how loads', () => {
  let box = ''
  before(async () => {
    box = await mkdtemp(path.join(os.tmpdir(), 'ai-how-bundle-'))
  })
  after(async () => {
    await rm(box, {recursive: true, force: true})
  })

  /** The files (repository-relative) the ESM loader loads while `ai-how args` runs. */
  async function loaded(name: string, args: string[]): Promise<string[]> {
    const log = path.join(box, `${name}.log`)
    const env = {LOADED: log, LIBVIRT_DEFAULT_URI: 'test:///default', NO_COLOR: '1'}
    const r = await execa(process.execPath, ['--import', REGISTER, bin, ...args], {cwd: repoRoot, env, reject: false})
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`)
    return (await readFile(log, 'utf8')).trim().split('\n').map((url) => path.relative(repoRoot, fileURLToPath(url)))
  }

  void it('every entry of every package is esbuild output, not tsc output', async () => {
    for (const [pkg, entries] of Object.entries(ENTRIES)) {
      for (const entry of entries) {
        const text = await readFile(path.join(repoRoot, 'packages', pkg, 'dist', `${entry}.js`), 'utf8')
        assert.ok(text.startsWith(BANNER_MARK), `packages/${pkg}/dist/${entry}.js is not bundled (run npm run build)`)
      }
    }
  })

  for (const [name, args] of [
    ['validate', ['validate', 'examples/hpc-tiny.yaml']],
    ['status', ['hpc', 'status', 'examples/hpc-tiny.yaml', '--json', '--state', path.join(os.tmpdir(), 'ai-how-bundle-none.json')]],
  ] as const) {
    void it(`ai-how ${args.slice(0, 2).join(' ')} loads the packages' code only from their bundles, and no @oclif/core, yaml or execa module`, async () => {
      const files = await loaded(name, [...args])
      const own = files.filter((f) => f.startsWith('packages/'))
      assert.deepEqual(own.filter((f) => !BUNDLED.test(`/${f}`)), ['packages/core/bin/run.js'], 'modules outside the bundles')
      assert.deepEqual(files.filter((f) => /node_modules\/(@oclif\/core|yaml|execa)\//.test(f)), [])
      assert.ok(own.length < 20, `${String(own.length)} files: ${own.join(' ')}`)
    })
  }
})
