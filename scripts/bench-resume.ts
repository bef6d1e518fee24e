/**
 * Benchmark: restart of a suspended hpc cluster (`stop --suspend`, then `start`: the VMs' memory
 * restored) against restart of a stopped one (`stop`, then `start`: a cold boot), on the e2e
 * harness's libvirtd (root; software-emulated guests from the cached test image). Each restart is
 * timed until `start` returns, i.e. until every node answers SSH (no deploy: --skip-deploy). The
 * two kinds alternate; the medians, their spread and ratio, the machine and its load are printed as
 * Markdown on stdout (progress on stderr). Settings (scripts/bench-resume-report.ts):
 * AI_HOW_BENCH_PAIRS (2), AI_HOW_BENCH_NODES (running nodes, 1-3: 3), AI_HOW_BENCH_TIMEOUT_S (per
 * ai-how command: 1200). Exits non-zero when a command fails or times out, or when something of
 * the cluster is left behind (the harness's tearDown). Serialise it with the e2e tests:
 *   flock /tmp/ai-how-e2e.lock npm run bench:resume
 */
import assert from 'node:assert/strict'
import {mkdtemp, readFile, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {ensureGuestImage, ensureHost, makeAiHowDirs, runAiHow, tearDown} from '../test/e2e/harness/index.js'
import type {AiHowDirs, E2eHost, GuestImage} from '../test/e2e/harness/index.js'
import {parseJson, planCluster, writeConfig} from '../test/e2e/hpc/cluster.js'
import type {E2eCluster} from '../test/e2e/hpc/cluster.js'
import {benchSettings, machineNow, report} from './bench-resume-report.js'
import type {BenchResult} from './bench-resume-report.js'

const settings = benchSettings(process.env)

async function timed(host: E2eHost, dirs: AiHowDirs, c: E2eCluster, args: string[]): Promise<{seconds: number; json: unknown}> {
  const start = performance.now()
  const res = await runAiHow(host, [...args, '--state', c.state, '--json'], {dirs, timeoutMs: settings.timeoutS * 1000})
  const seconds = (performance.now() - start) / 1000
  assert.equal(res.exitCode, 0, `ai-how ${args.join(' ')} failed after ${seconds.toFixed(1)} s (limit ${String(settings.timeoutS)} s):\n${res.stdout}\n${res.stderr}`)
  return {seconds, json: parseJson(res.stdout)}
}

/** The controller and nodes - 1 running compute nodes; with one node, a compute node that is only defined (the schema wants one). */
async function writeBenchConfig(c: E2eCluster, image: GuestImage, nodes: number): Promise<void> {
  if (nodes > 1) {
    await writeConfig(c, image, Array.from({length: nodes - 1}, (_, i) => ({ip: `${c.subnet}.${String(11 + i)}`})))
    return
  }
  await writeConfig(c, image, [{ip: `${c.subnet}.11`}])
  const compute = '    compute_nodes:\n      - cpu_cores: 1\n'
  const text = await readFile(c.config, 'utf8')
  assert.ok(text.includes(compute), text)
  await writeFile(c.config, text.replace(compute, `${compute}        auto_start: false\n`))
}

async function main(): Promise<void> {
  const load = machineNow().load
  let host: E2eHost | undefined
  let dirs: AiHowDirs | undefined
  let work: string | undefined
  let c: E2eCluster | undefined
  const r: Omit<BenchResult, 'machine'> = {settings, firstStart: Number.NaN, cold: [], resume: [], stop: [], suspend: []}
  try {
    host = await ensureHost()
    const image = await ensureGuestImage()
    dirs = await makeAiHowDirs('ai-how-bench-resume-')
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-bench-resume-work-'))
    c = planCluster(work, 'bench')
    await writeBenchConfig(c, image, settings.nodes)
    const first = await timed(host, dirs, c, ['hpc', 'start', c.config, '--skip-deploy'])
    r.firstStart = first.seconds
    console.error(`first start (create the VMs): ${first.seconds.toFixed(1)} s`)
    for (let i = 0; i < settings.pairs; i++) {
      const stop = await timed(host, dirs, c, ['hpc', 'stop', c.config])
      r.stop.push(stop.seconds)
      const boot = await timed(host, dirs, c, ['hpc', 'start', c.config, '--skip-deploy'])
      assert.deepEqual((boot.json as {restored: string[]}).restored, [], 'the start of the stopped cluster restored nothing (a cold boot)')
      r.cold.push(boot.seconds)
      const suspend = await timed(host, dirs, c, ['hpc', 'stop', c.config, '--suspend'])
      assert.equal((suspend.json as {suspended: string[]}).suspended.length, settings.nodes, 'stop --suspend saved every running VM')
      r.suspend.push(suspend.seconds)
      const restore = await timed(host, dirs, c, ['hpc', 'start', c.config, '--skip-deploy'])
      const restored = restore.json as {restored: string[]; clock: {name: string; method: string; offset_before_s: number | null; offset_after_s: number | null}[]}
      assert.equal(restored.restored.length, settings.nodes, 'the start restored every saved VM')
      console.error(`clocks after the restore: ${restored.clock.map((k) => `${k.name} by ${k.method}, ${String(k.offset_before_s)} s -> ${String(k.offset_after_s)} s`).join('; ')}`)
      r.resume.push(restore.seconds)
      console.error(`pair ${String(i + 1)}: stop ${stop.seconds.toFixed(1)} s + cold start ${boot.seconds.toFixed(1)} s | stop --suspend ${suspend.seconds.toFixed(1)} s + resume ${restore.seconds.toFixed(1)} s`)
    }
  } finally {
    const [cluster, d, h] = [c, dirs, host]
    await tearDown({
      host, dirs, work,
      clusters: () => (cluster === undefined || d === undefined || h === undefined ? [] : [{
        name: cluster.name,
        destroy: () => runAiHow(h, ['hpc', 'destroy', cluster.config, '--force', '--state', cluster.state], {dirs: d, timeoutMs: settings.timeoutS * 1000}),
      }]),
    })
  }
  const now = machineNow()
  console.log(report({...r, machine: {cpus: now.cpus, memoryGiB: now.memoryGiB, loadBefore: load, loadAfter: now.load}}))
}

await main()
