#!/usr/bin/env node
// Runs the test files of one suite with node's test runner (tsx for TypeScript).
//   unit: packages/*/src/**/*.test.ts and test/**/*.test.ts outside test/e2e
//   e2e:  test/e2e/**/*.test.ts (real libvirtd in a network namespace; see test/e2e/README.md)
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, rmSync, statSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const suite = process.argv[2] ?? 'unit'
const root = path.resolve(import.meta.dirname, '..')

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name === 'fixtures') continue
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) walk(full, out)
    else if (name.endsWith('.test.ts')) out.push(path.relative(root, full))
  }
  return out
}

const all = [...walk(path.join(root, 'packages')), ...walk(path.join(root, 'test'))].sort()
const isE2e = (f) => f.startsWith(`test${path.sep}e2e${path.sep}`)
const files = all.filter((f) => (suite === 'e2e' ? isE2e(f) : !isE2e(f)))
const only = process.argv.slice(3)
const selected = only.length > 0 ? files.filter((f) => only.some((o) => f.includes(o))) : files
if (selected.length === 0) {
  console.error(`no ${suite} test files found`)
  process.exit(1)
}
const args = ['--import', 'tsx', '--test', '--test-reporter=spec', ...selected]
// Every temp file of the run (os.tmpdir() follows TMPDIR) lands in one folder, removed afterwards.
const tmp = mkdtempSync(path.join(os.tmpdir(), `ai-how-${suite}-tests-`))
const res = spawnSync(process.execPath, args, {cwd: root, stdio: 'inherit', env: {...process.env, TMPDIR: tmp}})
rmSync(tmp, {recursive: true, force: true})
process.exit(res.status ?? 1)
