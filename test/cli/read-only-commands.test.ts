/**
 * The read-only commands (`validate`, `plan`, `inventory` without -o, `hpc status`, `cloud status`,
 * `gpu list`, `gpu check`) through the real binary never create, modify or remove a file: the whole sandbox
 * (working folder with its output/, AI_HOW_DATA_DIR, AI_HOW_CACHE_DIR, AI_HOW_CONFIG_DIR, HOME and
 * TMPDIR) is the same before and after, file by file (type, mode, size, mtime, content). With a
 * corrupt state file the commands that read it report the path and the position and keep no copy; a
 * state path that is a symlink, a folder or a fifo is refused by name; no output holds a byte of the
 * refused file. A writing command (`hpc stop`) still keeps a copy of a corrupt state file.
 * The one write allowed: the cache of the compiled config schema (AI_HOW_CACHE_DIR/config-schema-*.cjs,
 * core's config/ajv-cache.ts), which saves the start-up time of compiling it (issue 9 §5).
 */
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {copyFileSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {execa} from 'execa'

const root = path.resolve(import.meta.dirname, '../..')
const SECRET = 'SECRET-TOKEN-42'
const sandboxes = mkdtempSync(path.join(os.tmpdir(), 'ai-how-read-only-'))
after(() => {
  rmSync(sandboxes, {recursive: true, force: true})
})

interface Run {
  exitCode: number | undefined
  stdout: string
  stderr: string
  timedOut: boolean
}

interface Sandbox {
  dir: string
  work: string
  state: string
  run(args: string[]): Promise<Run>
}

function sandbox(name: string): Sandbox {
  const dir = path.join(sandboxes, name)
  const work = path.join(dir, 'work')
  for (const sub of ['work', 'data', 'cache', 'config', 'home', 'tmp']) mkdirSync(path.join(dir, sub), {recursive: true})
  copyFileSync(path.join(root, 'examples/hpc-and-cloud.yaml'), path.join(work, 'cluster.yaml'))
  writeFileSync(path.join(dir, 'secret.txt'), `${SECRET} and the rest of a file that is not ai-how's\n`)
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: path.join(dir, 'home'),
    TMPDIR: path.join(dir, 'tmp'),
    LIBVIRT_DEFAULT_URI: 'test:///default',
    AI_HOW_IMAGE_DIR: path.join(dir, 'images'),
    AI_HOW_DATA_DIR: path.join(dir, 'data'),
    AI_HOW_CACHE_DIR: path.join(dir, 'cache'),
    AI_HOW_CONFIG_DIR: path.join(dir, 'config'),
    AI_HOW_SYSFS_ROOT: path.join(root, 'test/fixtures/sysfs/workstation-vfio'),
    NO_COLOR: '1',
  }
  const run = async (args: string[]): Promise<Run> => {
    const r = await execa(process.execPath, [path.join(root, 'packages/core/bin/run.js'), ...args], {cwd: work, env, extendEnv: false, reject: false, timeout: 60_000})
    return {exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut}
  }
  return {dir, work, state: path.join(work, 'output', 'state.json'), run}
}

/** The schema cache under AI_HOW_CACHE_DIR, and that folder (whose mtime changes when it is written). */
const SCHEMA_CACHE = /^cache\/config-schema-[0-9a-f]+\.cjs$/

/** Every entry under `dir` (links not followed): type, mode, size, mtime and a hash of the content. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (current: string): void => {
    for (const name of readdirSync(current)) {
      const full = path.join(current, name)
      if (SCHEMA_CACHE.test(path.relative(dir, full))) continue
      const st = lstatSync(full)
      if (path.relative(dir, full) === 'cache') {
        out.set('cache', `dir mode ${st.mode.toString(8)}`)
        walk(full)
        continue
      }
      const what = st.isSymbolicLink() ? `link -> ${readlinkSync(full)}` : st.isFile() ? `file ${createHash('sha256').update(readFileSync(full)).digest('hex')}` : st.isDirectory() ? 'dir' : 'other'
      out.set(path.relative(dir, full), `${what} mode ${st.mode.toString(8)} size ${st.size} mtime ${st.mtimeMs}`)
      if (st.isDirectory()) walk(full)
    }
  }
  walk(dir)
  return out
}

function differences(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()])
  return [...keys].filter((k) => before.get(k) !== after.get(k)).map((k) => `${k}: ${before.get(k) ?? 'absent'} => ${after.get(k) ?? 'absent'}`)
}

const CONFIG = 'cluster.yaml'
/** The commands that do not read the state file (they must not write either). */
const CONFIG_READERS = [['validate', CONFIG], ['plan', CONFIG, '--show-xml'], ['inventory', CONFIG, 'hpc'], ['inventory', CONFIG, 'cloud', '--format', 'yaml'], ['gpu', 'check', CONFIG]]
/** The commands that read the state file. */
const STATE_READERS = [['hpc', 'status', CONFIG], ['cloud', 'status', CONFIG], ['gpu', 'list']]

/** Runs `args` and asserts that nothing under the sandbox changed. */
async function runUnchanged(box: Sandbox, args: string[]): Promise<Run> {
  const before = snapshot(box.dir)
  const result = await box.run(args)
  assert.equal(result.timedOut, false, `ai-how ${args.join(' ')} hung`)
  assert.deepEqual(differences(before, snapshot(box.dir)), [], `ai-how ${args.join(' ')} changed files (exit ${String(result.exitCode)}, stderr: ${result.stderr})`)
  return result
}

interface ErrorJson {
  code: string
  message: string
  exit_code: number
  actions: string[]
}

function errorOf(result: Run): ErrorJson {
  return JSON.parse(result.stdout) as ErrorJson
}

function assertNoSecret(result: Run, what: string): void {
  assert.ok(!`${result.stdout}\n${result.stderr}`.includes('SECRET'), `${what} printed bytes of the refused file:\n${result.stdout}\n${result.stderr}`)
}

const VALID_STATE = {
  version: 1,
  gpu_allocations: {'0000:01:00.0': {cluster: 'hpc-cluster', kind: 'hpc', node: 'compute-01', vm_name: 'hpc-cluster-compute-01', since: '2025-01-02T03:04:05.000Z'}},
  hpc_cluster: {name: 'hpc-cluster', config_file: 'cluster.yaml', status: 'running', nodes: {controller: {vm_name: 'hpc-cluster-controller', role: 'controller', state: 'running', ip: '192.168.100.10'}}},
}

void describe('read-only commands write nothing', () => {
  before(() => {
    for (const p of ['core', 'plugin-hpc', 'plugin-cloud', 'plugin-gpu-passthrough']) {
      assert.ok(lstatSync(path.join(root, 'packages', p, 'dist', 'index.js')).isFile(), 'run `npm run build` first')
    }
  })

  void it('with no state file and no output folder: every command succeeds and creates nothing', async () => {
    const box = sandbox('absent')
    for (const args of [...CONFIG_READERS, ...STATE_READERS]) {
      const result = await runUnchanged(box, args)
      assert.equal(result.exitCode, 0, `ai-how ${args.join(' ')}: ${result.stderr}`)
    }
    // The host checks fail here (the sandbox has no base images): they report, and write nothing.
    const host = await runUnchanged(box, ['validate', CONFIG, '--check-host'])
    assert.equal(host.exitCode, 1, host.stderr)
    assert.ok(host.stdout.includes(`base image ${path.join(box.dir, 'images', 'hpc-base.qcow2')} does not exist`), host.stdout)
  })

  void it('with a valid state file: every command succeeds and changes nothing (no lock, no temp file)', async () => {
    const box = sandbox('valid')
    mkdirSync(path.dirname(box.state))
    writeFileSync(box.state, JSON.stringify(VALID_STATE, null, 2))
    for (const args of [...CONFIG_READERS, ...STATE_READERS]) {
      const result = await runUnchanged(box, [...args, '--json'])
      assert.equal(result.exitCode, 0, `ai-how ${args.join(' ')}: ${result.stderr}`)
    }
    const status = JSON.parse((await box.run(['hpc', 'status', CONFIG, '--json'])).stdout) as {recorded_status: string; state_file: string}
    assert.deepEqual([status.recorded_status, status.state_file], ['running', box.state], 'status did read the state file')
  })

  void it('with a corrupt state file: the readers report its path and position, keep no copy and print none of its bytes', async () => {
    const box = sandbox('corrupt')
    mkdirSync(path.dirname(box.state))
    const text = `{"version": 1, "gpu_allocations": {},\n  "note": ${SECRET}}\n`
    writeFileSync(box.state, text)
    for (const args of CONFIG_READERS) assert.equal((await runUnchanged(box, args)).exitCode, 0, args.join(' '))
    for (const args of STATE_READERS) {
      const result = await runUnchanged(box, [...args, '--json'])
      assert.equal(result.exitCode, 1, args.join(' '))
      const error = errorOf(result)
      assert.equal(error.code, 'STATE_CORRUPT')
      assert.ok(error.message.includes(`State file ${box.state} is corrupt: invalid JSON at line 2, column 11 (offset 48)`), error.message)
      assertNoSecret(result, args.join(' '))
      const text = await runUnchanged(box, args)
      assert.equal(text.exitCode, 1)
      assertNoSecret(text, args.join(' '))
    }
  })

  const refused: [string, (box: Sandbox) => void, string, RegExp][] = [
    ['a symlink to another file', (box) => { symlinkSync(path.join(box.dir, 'secret.txt'), box.state) }, 'STATE_SYMLINK', /is a symbolic link/],
    ['a dangling symlink', (box) => { symlinkSync(path.join(box.dir, 'nowhere.json'), box.state) }, 'STATE_SYMLINK', /is a symbolic link/],
    ['a folder', (box) => { mkdirSync(box.state) }, 'STATE_NOT_A_FILE', /is a folder, not a regular file/],
    ['a fifo', (box) => { execFileSync('mkfifo', [box.state]) }, 'STATE_NOT_A_FILE', /is a fifo, not a regular file/],
  ]
  for (const [what, make, code, message] of refused) {
    void it(`with a state path that is ${what}: the readers refuse it by name and print none of its bytes`, async () => {
      const box = sandbox(code + what.replace(/\W/g, '-'))
      mkdirSync(path.dirname(box.state))
      make(box)
      for (const args of STATE_READERS) {
        const result = await runUnchanged(box, [...args, '--json'])
        assert.equal(result.exitCode, 1, `${args.join(' ')}: ${result.stdout}${result.stderr}`)
        const error = errorOf(result)
        assert.equal(error.code, code, error.message)
        assert.ok(error.message.startsWith(`State file ${box.state} `), error.message)
        assert.match(error.message, message)
        assert.ok(error.actions.some((a) => a.includes('--state')), error.actions.join('\n'))
        assertNoSecret(result, args.join(' '))
      }
    })
  }
})

void describe('a writing command with a corrupt state file', () => {
  void it('hpc stop refuses it and keeps one copy of its bytes (the file itself untouched, no lock left)', async () => {
    const box = sandbox('writer')
    mkdirSync(path.dirname(box.state))
    const text = '{"version": 1, "gpu_allocations": {},}\n'
    writeFileSync(box.state, text)
    const result = await box.run(['hpc', 'stop', CONFIG, '--json'])
    assert.equal(result.exitCode, 1, result.stderr)
    const error = errorOf(result)
    assert.equal(error.code, 'STATE_CORRUPT')
    const names = readdirSync(path.dirname(box.state)).sort()
    assert.equal(names.length, 2, names.join(', '))
    const [state, copy] = names
    assert.equal(state, 'state.json')
    assert.match(copy ?? '', /^state\.json\.corrupt-/)
    assert.equal(readFileSync(path.join(path.dirname(box.state), copy ?? ''), 'utf8'), text)
    assert.equal(readFileSync(box.state, 'utf8'), text)
    assert.ok(error.message.includes(path.join(path.dirname(box.state), copy ?? '')), error.message)
  })
})
