/**
 * Start-up time levers (issue 9 §5, figures in docs/benchmarks.md): the heavy dependencies are loaded
 * by the code that uses them, not when a command module is imported. Without an oclif manifest (a
 * development tree) oclif imports every command to list them, so `--version` would pay for all of
 * them; `validate` needs ajv and yaml but no process runner, SSH, templates or XML parser.
 */
import assert from 'node:assert/strict'
import {mkdtempSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {describe, it} from 'node:test'
import {execa} from 'execa'

const root = path.resolve(import.meta.dirname, '../..')
const trace = path.join(import.meta.dirname, 'module-trace.mjs')
// listr2 is not among them yet: core's runner defines its renderer class at module level (a follow-up).
const HEAVY = ['execa', 'ssh2', 'handlebars', 'fast-xml-parser', 'ajv', '@kubernetes/client-node']

/** The npm packages (by name) whose files a `node --import module-trace.mjs ARGS` process loaded. */
async function loadedPackages(args: string[], env: Record<string, string> = {}): Promise<{packages: Set<string>; files: string[]; stdout: string}> {
  const r = await execa(process.execPath, ['--import', trace, ...args], {cwd: root, reject: false, timeout: 120_000, stdin: 'ignore', env})
  const files = r.stderr.split('\n').filter((l) => l.startsWith('[module-trace] ')).map((l) => l.slice('[module-trace] '.length))
  const packages = new Set(files.flatMap((f) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1] ?? []))
  assert.equal(r.exitCode, 0, r.stderr.split('\n').filter((l) => !l.startsWith('[module-trace] ')).join('\n'))
  return {packages, files, stdout: r.stdout}
}

function commandFiles(): string[] {
  const out: string[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.name.endsWith('.js')) out.push(full)
    }
  }
  for (const pkg of readdirSync(path.join(root, 'packages'))) {
    for (const sub of ['commands', 'hooks']) {
      const dir = path.join(root, 'packages', pkg, 'dist', sub)
      try {
        walk(dir)
      } catch {
        // a package without commands or hooks
      }
    }
  }
  return out
}

void describe('start-up: heavy dependencies are imported where they are used', () => {
  void it('importing every command and hook module (what oclif does without a manifest) loads none of them', async () => {
    const files = commandFiles()
    assert.ok(files.length >= 15, `expected the built command and hook modules, found ${files.length} (npm run build first)`)
    const script = `for (const f of ${JSON.stringify(files.map((f) => pathToFileURL(f).href))}) await import(f)`
    const {packages, files: loaded} = await loadedPackages(['--input-type=module', '-e', script])
    assert.ok(packages.has('@oclif/core') && loaded.some((f) => f.endsWith('/plugin-hpc/dist/commands/hpc/start.js')), 'the trace saw the command modules')
    assert.deepEqual(HEAVY.filter((p) => packages.has(p)), [])
  })

  void it('validate loads ajv (the trace sees CommonJS too; yaml is in the core bundle) but no process runner, SSH, template engine or XML parser', async () => {
    const {packages, stdout} = await loadedPackages([path.join(root, 'packages/core/bin/run.js'), 'validate', 'examples/hpc-tiny.yaml'])
    assert.match(stdout, /is valid/)
    // yaml is inside core's bundle (esbuild.config.mjs): no file of its own package is loaded.
    assert.ok(packages.has('ajv'), [...packages].join(' '))
    assert.deepEqual(HEAVY.filter((p) => p !== 'ajv').filter((p) => packages.has(p)), [])
  })

  void it('hpc status loads no template engine or SSH (it renders nothing and asks libvirt through virsh)', async () => {
    const state = path.join(mkdtempSync(path.join(tmpdir(), 'ai-how-startup-')), 'state.json')
    const {packages, files} = await loadedPackages([path.join(root, 'packages/core/bin/run.js'), 'hpc', 'status', 'examples/hpc-tiny.yaml', '--json', '--state', state], {LIBVIRT_DEFAULT_URI: 'test:///default'})
    assert.ok(files.some((f) => f.endsWith('/plugin-hpc/dist/bundle.js')), files.join(' '))
    assert.deepEqual(['ssh2', 'handlebars'].filter((p) => packages.has(p)), [])
  })
})
