// Graceful stop on any image, on a real libvirtd. The `no-dbus-no-agent` variant of the test image
// (dbus and the guest agent masked, as on a plain minimal image: nothing in the guest acts on the
// ACPI power button) is stopped over SSH with the cluster key, no node forced, well under the
// timeout; the tuned image (with the agent) is stopped through the guest agent. One booted VM per
// image (the compute node is only defined: auto_start: false).
import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {ensureGuestImage, ensureHost, findLeftovers, makeAiHowDirs, releaseHost, runAiHow, virsh} from './harness/index.js'
import type {AiHowDirs, E2eHost, GuestImage} from './harness/index.js'
import {parseJson, planCluster, readState, writeConfig} from './hpc/cluster.js'
import type {E2eCluster} from './hpc/cluster.js'

const seconds = (start: number): number => Math.round((performance.now() - start) / 100) / 10
const TIMEOUT_S = 120

interface StopJson {status: string; stopped: string[]; forced: string[]; warnings: string[]; nodes: {name: string; method: string; seconds: number; tried: string[]}[]}

async function writeOneVmConfig(c: E2eCluster, image: GuestImage): Promise<void> {
  await writeConfig(c, image, [{ip: `${c.subnet}.11`}])
  const text = await readFile(c.config, 'utf8')
  const compute = '    compute_nodes:\n      - cpu_cores: 1\n'
  assert.ok(text.includes(compute), text)
  await writeFile(c.config, text.replace(compute, `${compute}        auto_start: false\n`))
}

void describe('hpc stop: graceful on any image (guest agent, else poweroff over SSH), on a real libvirtd', {timeout: 30 * 60_000}, () => {
  let host: E2eHost | undefined
  let dirs: AiHowDirs | undefined
  let work: string | undefined
  const clusters: E2eCluster[] = []
  const aiHow = async (c: E2eCluster, args: string[]): Promise<{exitCode: number; stdout: string; stderr: string}> => {
    assert.ok(host && dirs)
    return runAiHow(host, [...args, '--state', c.state], {dirs, timeoutMs: 20 * 60_000})
  }

  /** Starts a one-VM cluster on `image`, stops it, and returns the stop's result and how long it took. */
  async function startAndStop(t: {diagnostic: (m: string) => void}, tag: string, image: GuestImage): Promise<{c: E2eCluster; result: StopJson; elapsed: number}> {
    assert.ok(work && host)
    const c = planCluster(path.join(work, tag), tag)
    clusters.push(c)
    await writeOneVmConfig(c, image)
    const started = performance.now()
    const start = await aiHow(c, ['hpc', 'start', c.config, '--skip-deploy', '--json'])
    t.diagnostic(`${tag}: start ${seconds(started)} s`)
    assert.equal(start.exitCode, 0, `${start.stdout}\n${start.stderr}`)
    const stopping = performance.now()
    const stop = await aiHow(c, ['hpc', 'stop', c.config, '--timeout', String(TIMEOUT_S), '--json'])
    const elapsed = seconds(stopping)
    t.diagnostic(`${tag}: stop ${elapsed} s: ${stop.stdout.replace(/\s+/g, ' ').slice(0, 600)}`)
    assert.equal(stop.exitCode, 0, `${stop.stdout}\n${stop.stderr}`)
    const result = parseJson(stop.stdout) as StopJson
    assert.equal(result.status, 'stopped')
    assert.equal((await readState(c)).entry?.status, 'stopped')
    const state = await virsh(host, ['domstate', `${c.name}-controller`])
    assert.equal(state.stdout.trim(), 'shut off')
    return {c, result, elapsed}
  }

  before(async () => {
    host = await ensureHost()
    dirs = await makeAiHowDirs()
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-stop-'))
  })

  after(async () => {
    if (host !== undefined) {
      const left: string[] = []
      for (const c of clusters) {
        if (dirs !== undefined) await aiHow(c, ['hpc', 'destroy', c.config, '--force'])
        left.push(...await findLeftovers(host, c.name))
      }
      await releaseHost()
      assert.deepEqual(left, [], 'destroy leaves nothing')
    }
    if (work !== undefined) await rm(work, {recursive: true, force: true})
    if (dirs !== undefined) await rm(dirs.root, {recursive: true, force: true})
  })

  void it('no dbus, no guest agent: every node is powered off over SSH, none forced, well under the timeout', async (t) => {
    const {c, result, elapsed} = await startAndStop(t, 'nodbus', await ensureGuestImage('no-dbus-no-agent'))
    assert.deepEqual(result.nodes.map((n) => [n.name, n.method]), [[`${c.name}-controller`, 'ssh']], JSON.stringify(result.nodes))
    assert.match(result.nodes[0]?.tried[0] ?? '', /^agent: .*not connected/i, 'the channel is there, no agent listens on it')
    assert.deepEqual([result.forced, result.warnings], [[], []])
    assert.ok(elapsed < TIMEOUT_S / 2, `stop took ${elapsed} s`)
  })

  void it('the tuned image (with the agent): every node is shut down through the guest agent, none forced', async (t) => {
    const {c, result, elapsed} = await startAndStop(t, 'agent', await ensureGuestImage())
    assert.deepEqual(result.nodes.map((n) => [n.name, n.method]), [[`${c.name}-controller`, 'agent']], JSON.stringify(result.nodes))
    assert.deepEqual([result.forced, result.warnings], [[], []])
    assert.ok(elapsed < TIMEOUT_S / 2, `stop took ${elapsed} s`)
  })
})
