#!/usr/bin/env node
/**
 * Start-up time of the ai-how binary against `node -e 0`, measured in one run: N rounds, each round
 * running every command once in turn (so a busy spell of the machine hits all of them alike), first
 * in the tree as it is (a development tree has no oclif manifest: oclif imports every package's
 * commands, i.e. its bundle, to list them), then with manifests generated for the core and the three
 * plugin packages as `oclif manifest` writes them at pack time (removed again afterwards), then the
 * CLI installed from the packed tarballs (`npm pack` of every workspace, `npm install -g` into a
 * temporary prefix, as test/packaging/packed-install.test.ts does; --no-installed skips it). Reports the median wall and CPU time (user +
 * sys of the child and what it waited for, from /proc/self/stat's cutime/cstime) and the ratio to
 * `node -e 0` against the goal of issue 9.
 *   npm run bench:startup                      # prints the table
 *   npm run bench:startup -- --write           # and replaces "## Start-up time" in docs/benchmarks.md
 *   npm run bench:startup -- --runs 5          # fewer rounds
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import {parseArgs} from 'node:util'
import {generateManifests} from './manifest.mjs'
import {machineText, reportMarkdown, replaceSection, summarize} from './startup-report.mjs'

const root = path.resolve(import.meta.dirname, '..')
const bin = path.join(root, 'packages/core/bin/run.js')
const {values} = parseArgs({options: {runs: {type: 'string', default: '15'}, write: {type: 'boolean', default: false}, installed: {type: 'boolean', default: true}}, allowNegative: true})
const runs = Number(values.runs)

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ai-how-bench-'))
const state = path.join(tmp, 'state.json')
// `hpc status` asks libvirt: the test driver answers without a daemon (real virsh processes).
const env = {...process.env, LIBVIRT_DEFAULT_URI: 'test:///default', NO_COLOR: '1'}

/** [name, argv after node, goal as a multiple of `node -e 0`] of the binary `bin` */
const commands = (bin) => [
  ['node -e 0', ['-e', '0'], undefined],
  ['ai-how --version', [bin, '--version'], 3],
  ['ai-how --help', [bin, '--help'], 3],
  ['ai-how validate examples/hpc-tiny.yaml', [bin, 'validate', 'examples/hpc-tiny.yaml'], 4],
  ['ai-how hpc status --json (empty state)', [bin, 'hpc', 'status', 'examples/hpc-tiny.yaml', '--json', '--state', state], 4],
]

/** User + system seconds of this process's waited-for children (Linux: /proc/self/stat). */
function childrenCpuSeconds() {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17, in clock ticks (100 Hz on Linux)
  return (Number(fields[13]) + Number(fields[14])) / 100
}

function once(argv) {
  const cpu0 = childrenCpuSeconds()
  const t0 = performance.now()
  const res = spawnSync(process.execPath, argv, {cwd: root, env, stdio: ['ignore', 'pipe', 'pipe']})
  const wall = (performance.now() - t0) / 1000
  if (res.status !== 0) throw new Error(`${argv.join(' ')} exited ${res.status}: ${res.stderr}`)
  return {wall, cpu: childrenCpuSeconds() - cpu0}
}

function measure(COMMANDS = commands(bin)) {
  const samples = COMMANDS.map(() => ({wall: [], cpu: []}))
  for (let r = 0; r < runs; r++) {
    COMMANDS.forEach(([, argv], i) => {
      const {wall, cpu} = once(argv)
      samples[i].wall.push(wall)
      samples[i].cpu.push(cpu)
    })
  }
  return summarize(COMMANDS.map(([name, , goal], i) => ({name, goal, ...samples[i]})))
}

const present = ['core', 'plugin-hpc', 'plugin-cloud', 'plugin-gpu-passthrough'].filter((p) => existsSync(path.join(root, 'packages', p, 'oclif.manifest.json')))
const load = [os.loadavg()[0]]
const columns = []
try {
  const asIs = present.length === 0 ? 'development tree (no oclif manifest: oclif imports every command)' : `the tree as it is (manifests present in ${present.join(', ')})`
  columns.push({title: asIs, rows: measure()})
  const generated = await generateManifests(root)
  try {
    columns.push({title: `with oclif manifests (generated for ${generated.length} packages, removed afterwards)`, rows: measure()})
  } finally {
    for (const file of generated) rmSync(file, {force: true})
  }
  if (values.installed) {
    // TypeScript (the harness the packaging test uses): through tsx, in this process only.
    const {register} = await import('tsx/esm/api')
    register()
    const {installCli} = await import('../test/e2e/harness/installed-cli.ts')
    const cli = await installCli(tmp)
    columns.push({title: 'installed from the packed tarballs (npm install -g into an empty prefix; manifests made by prepack)', rows: measure(commands(realpathSync(cli.bin)))})
  }
} finally {
  rmSync(tmp, {recursive: true, force: true})
}
load.push(os.loadavg()[0])

const markdown = reportMarkdown({machine: machineText(load), runs, columns})
process.stdout.write(markdown)
if (values.write) {
  const file = path.join(root, 'docs/benchmarks.md')
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n'
  writeFileSync(file, replaceSection(before, '## Start-up time', markdown))
  process.stdout.write(`\nwritten to ${path.relative(root, file)}\n`)
}
