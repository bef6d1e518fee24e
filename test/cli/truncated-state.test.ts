/**
 * Issue 11 §2: a state file cut at every 10% of its length (0 bytes, then 10%..90%), as a crash of
 * something other than ai-how's atomic writer or a bad copy would leave it. Through the real binary
 * (libvirt's test driver), `hpc status`, `hpc start`, `hpc stop` and `hpc destroy --force` each refuse
 * it with STATE_CORRUPT naming the file and where it goes wrong (line, column, offset; "empty" for 0
 * bytes), exit 1; the file keeps its bytes; the reader keeps no copy, the writers keep exactly one,
 * byte for byte the same (the cloud entry's bytes that survived the cut with it); no lock, temp file
 * or anything else is left in the output folder.
 */
import assert from 'node:assert/strict'
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {execa} from 'execa'

const root = path.resolve(import.meta.dirname, '../..')
const sandboxes = mkdtempSync(path.join(os.tmpdir(), 'ai-how-truncated-'))
after(() => {
  rmSync(sandboxes, {recursive: true, force: true})
})

const CONFIG = 'cluster.yaml'

/** A state file as ai-how writes it (indent 2, trailing newline): an hpc and a cloud cluster and a GPU claim. */
const GOOD_STATE = `${JSON.stringify(
  {
    version: 1,
    gpu_allocations: {'0000:01:00.0': {cluster: 'hpc-cluster', kind: 'hpc', node: 'compute-01', vm_name: 'hpc-cluster-compute-01', since: '2026-11-30T03:04:05.000Z'}},
    hpc_cluster: {
      name: 'hpc-cluster',
      config_file: CONFIG,
      status: 'running',
      nodes: {
        controller: {vm_name: 'hpc-cluster-controller', role: 'controller', state: 'running', ip: '192.168.100.10'},
        'compute-01': {vm_name: 'hpc-cluster-compute-01', role: 'compute', state: 'running', ip: '192.168.100.11'},
      },
    },
    cloud_cluster: {name: 'cloud-cluster', config_file: CONFIG, status: 'stopped', nodes: {'control-plane': {vm_name: 'cloud-cluster-control-plane', role: 'control-plane', state: 'stopped', ip: '192.168.200.10'}}},
  },
  null,
  2,
)}\n`

interface ErrorJson {
  code: string
  message: string
  exit_code: number
  details?: {file?: string; copy?: string}
}

interface Box {
  out: string
  state: string
  run(args: string[]): Promise<{exitCode: number | undefined; stdout: string; stderr: string}>
}

function sandbox(name: string, content: Buffer): Box {
  const dir = path.join(sandboxes, name)
  const work = path.join(dir, 'work')
  for (const sub of ['work/output', 'data', 'cache', 'config', 'home', 'tmp']) mkdirSync(path.join(dir, sub), {recursive: true})
  copyFileSync(path.join(root, 'examples/hpc-and-cloud.yaml'), path.join(work, CONFIG))
  const state = path.join(work, 'output', 'state.json')
  writeFileSync(state, content)
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: path.join(dir, 'home'),
    TMPDIR: path.join(dir, 'tmp'),
    LIBVIRT_DEFAULT_URI: 'test:///default',
    AI_HOW_IMAGE_DIR: path.join(dir, 'images'),
    AI_HOW_DATA_DIR: path.join(dir, 'data'),
    AI_HOW_CACHE_DIR: path.join(dir, 'cache'),
    AI_HOW_CONFIG_DIR: path.join(dir, 'config'),
    NO_COLOR: '1',
  }
  const run = async (args: string[]) => {
    const r = await execa(process.execPath, [path.join(root, 'packages/core/bin/run.js'), ...args], {cwd: work, env, extendEnv: false, reject: false, timeout: 60_000})
    return {exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr}
  }
  return {out: path.dirname(state), state, run}
}

/** Where the refusal must point: the end of what is left (whitespace at the cut aside), as line/column/offset. */
function expectedProblem(text: string): RegExp {
  if (text.trim() === '') return new RegExp(`the file is empty \\(${text.length} bytes\\)`)
  const ends = [text.trimEnd().length, text.length]
  const alternatives = ends.map((offset) => {
    const before = text.slice(0, offset).split('\n')
    return `line ${before.length}, column ${(before.at(-1) ?? '').length + 1} \\(offset ${offset}\\)`
  })
  return new RegExp(`invalid JSON at (${alternatives.join('|')}): `)
}

const COMMANDS: [string[], 'reader' | 'writer'][] = [
  [['hpc', 'status', CONFIG], 'reader'],
  [['hpc', 'start', CONFIG, '--skip-deploy'], 'writer'],
  [['hpc', 'stop', CONFIG], 'writer'],
  [['hpc', 'destroy', CONFIG, '--force'], 'writer'],
]

const good = Buffer.from(GOOD_STATE, 'utf8')
const cuts = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((tenth) => Math.floor((good.length * tenth) / 10))

async function checkCut(length: number): Promise<void> {
  const bytes = good.subarray(0, length)
  const box = sandbox(`cut-${length}`, bytes)
  const problem = expectedProblem(bytes.toString('utf8'))
  let copy: string | undefined
  for (const [args, role] of COMMANDS) {
    const what = `${args.join(' ')} on ${length} of ${good.length} bytes`
    const result = await box.run([...args, '--json'])
    assert.equal(result.exitCode, 1, `${what}: ${result.stdout}${result.stderr}`)
    const error = JSON.parse(result.stdout) as ErrorJson
    assert.equal(error.code, 'STATE_CORRUPT', `${what}: ${error.message}`)
    assert.ok(error.message.startsWith(`State file ${box.state} is corrupt: `), `${what}: ${error.message}`)
    assert.match(error.message, problem, what)
    assert.ok(readFileSync(box.state).equals(bytes), `${what} changed the state file`)
    const names = readdirSync(box.out).sort()
    if (role === 'reader' && copy === undefined) {
      assert.deepEqual(names, ['state.json'], `${what}: a reader writes nothing`)
      continue
    }
    assert.equal(names.length, 2, `${what}: only the state file and one copy: ${names.join(', ')}`)
    const copyName = names.find((name) => name !== 'state.json') ?? ''
    assert.match(copyName, /^state\.json\.corrupt-/, what)
    copy ??= path.join(box.out, copyName)
    assert.equal(path.join(box.out, copyName), copy, `${what}: the same copy is reused`)
    assert.equal(error.details?.copy ?? copy, copy, what)
    assert.ok(readFileSync(copy).equals(bytes), `${what}: the copy is byte for byte the file`)
  }
  assert.ok(copy !== undefined, 'the writers kept a copy')
}

void describe('a state file truncated at every 10% of its length', () => {
  before(() => {
    assert.ok(readdirSync(path.join(root, 'packages/core/dist')).includes('index.js'), 'run `npm run build` first')
    const cloud = GOOD_STATE.indexOf('"cloud_cluster"')
    assert.ok(cuts.some((cut) => cut < cloud) && cuts.some((cut) => cut > cloud), 'some cuts lose the cloud entry, others keep part of it')
  })

  for (const length of cuts) {
    void it(`${length} of ${good.length} bytes: status, start, stop and destroy refuse it at its position, keep its bytes and lose nothing`, async () => {
      await checkCut(length)
    })
  }
})
