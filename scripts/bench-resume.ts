/**
 * Benchmark: restart of a suspended 3-node hpc cluster (`stop --suspend`, then `start`: the VMs'
 * memory restored) against restart of a stopped one (`stop`, then `start`: a cold boot), on the e2e
 * harness's libvirtd (root; software-emulated guests from the cached test image). Each restart is
 * timed until `start` returns, i.e. until every node answers SSH (no deploy: --skip-deploy). The
 * two kinds alternate, PAIRS times each; the medians and their ratio are printed as Markdown.
 * Serialise it with the e2e tests:
 *   flock /tmp/ai-how-e2e.lock npm run bench:resume
 */
import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {ensureGuestImage, ensureHost, findLeftovers, makeAiHowDirs, releaseHost, runAiHow} from '../test/e2e/harness/index.js'
import type {AiHowDirs, E2eHost} from '../test/e2e/harness/index.js'
import {parseJson, planCluster, writeConfig} from '../test/e2e/hpc/cluster.js'
import type {E2eCluster} from '../test/e2e/hpc/cluster.js'

const PAIRS = Number(process.env.AI_HOW_BENCH_PAIRS ?? 2)

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
}

async function timed(host: E2eHost, dirs: AiHowDirs, c: E2eCluster, args: string[]): Promise<{seconds: number; json: unknown}> {
  const start = performance.now()
  const res = await runAiHow(host, [...args, '--state', c.state, '--json'], {dirs, timeoutMs: 20 * 60_000})
  const seconds = (performance.now() - start) / 1000
  assert.equal(res.exitCode, 0, `ai-how ${args.join(' ')} failed:\n${res.stdout}\n${res.stderr}`)
  return {seconds, json: parseJson(res.stdout)}
}

async function main(): Promise<void> {
  const host = await ensureHost()
  const image = await ensureGuestImage()
  const dirs = await makeAiHowDirs()
  const work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-bench-resume-'))
  const c = planCluster(work, 'bench')
  await writeConfig(c, image, [{ip: `${c.subnet}.11`}, {ip: `${c.subnet}.12`}])
  const cold: number[] = []
  const resume: number[] = []
  const stops: {stop: number[]; suspend: number[]} = {stop: [], suspend: []}
  try {
    const first = await timed(host, dirs, c, ['hpc', 'start', c.config, '--skip-deploy'])
    console.error(`first start (create 3 VMs): ${first.seconds.toFixed(1)} s`)
    for (let i = 0; i < PAIRS; i++) {
      const stop = await timed(host, dirs, c, ['hpc', 'stop', c.config])
      stops.stop.push(stop.seconds)
      const boot = await timed(host, dirs, c, ['hpc', 'start', c.config, '--skip-deploy'])
      cold.push(boot.seconds)
      const suspend = await timed(host, dirs, c, ['hpc', 'stop', c.config, '--suspend'])
      stops.suspend.push(suspend.seconds)
      const restore = await timed(host, dirs, c, ['hpc', 'start', c.config, '--skip-deploy'])
      assert.equal((restore.json as {restored: string[]}).restored.length, 3, 'the start restored the 3 saved VMs')
      resume.push(restore.seconds)
      console.error(`pair ${i + 1}: stop ${stop.seconds.toFixed(1)} s + cold start ${boot.seconds.toFixed(1)} s | stop --suspend ${suspend.seconds.toFixed(1)} s + resume ${restore.seconds.toFixed(1)} s`)
    }
  } finally {
    if ((await findLeftovers(host, c.name)).length > 0) await runAiHow(host, ['hpc', 'destroy', c.config, '--force', '--state', c.state], {dirs, timeoutMs: 10 * 60_000})
    await releaseHost()
    await rm(work, {recursive: true, force: true})
    await rm(dirs.root, {recursive: true, force: true})
  }
  const f = (xs: readonly number[]): string => `${median(xs).toFixed(1)} s (runs: ${xs.map((x) => x.toFixed(1)).join(', ')})`
  console.log([
    `3-node hpc cluster, software-emulated guests (e2e harness), ${PAIRS} alternating pairs, medians:`,
    '',
    '| restart until every node answers SSH | median |',
    '|---|---|',
    `| \`start\` of a stopped cluster (cold boot) | ${f(cold)} |`,
    `| \`start\` of a suspended cluster (restore) | ${f(resume)} |`,
    `| ratio cold / resume | ${(median(cold) / Math.max(0.001, median(resume))).toFixed(1)}x |`,
    `| \`stop\` / \`stop --suspend\` | ${f(stops.stop)} / ${f(stops.suspend)} |`,
  ].join('\n'))
}

await main()
