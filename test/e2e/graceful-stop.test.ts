// Graceful stop on any image, on a real libvirtd. The `no-dbus-no-agent` variant of the test image
// (dbus and the guest agent masked, as on a plain minimal image: nothing in the guest acts on the
// ACPI power button) is stopped over SSH with the cluster key, no node forced, well under the
// timeout; the tuned image (with the agent) is stopped through the guest agent, also with its SSH
// broken. On the plain image with SSH broken (sshd masked for this boot), nothing can take the
// request: the node is forced at --timeout, named with what each channel answered, as a warning.
// One cluster per image, one VM each (the compute node is only defined: auto_start: false); the
// plain one is started again for the broken-SSH case.
import assert from 'node:assert/strict'
import {mkdtemp, readFile, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {ensureGuestImage, ensureHost, makeAiHowDirs, runAiHow, sshRun, tearDown, virsh} from './harness/index.js'
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

  /** A new one-VM cluster on `image`, started. */
  async function startNew(t: {diagnostic: (m: string) => void}, tag: string, image: GuestImage): Promise<E2eCluster> {
    assert.ok(work)
    const c = planCluster(path.join(work, tag), tag)
    clusters.push(c)
    await writeOneVmConfig(c, image)
    await start(t, c)
    return c
  }

  async function start(t: {diagnostic: (m: string) => void}, c: E2eCluster): Promise<void> {
    const started = performance.now()
    const res = await aiHow(c, ['hpc', 'start', c.config, '--skip-deploy', '--json'])
    t.diagnostic(`${c.name}: start ${seconds(started)} s`)
    assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`)
  }

  /** `hpc stop --timeout TIMEOUT --json` of `c`: its result, stderr and how long it took; the VM is off, the state says stopped. */
  async function stop(t: {diagnostic: (m: string) => void}, c: E2eCluster, timeoutS: number): Promise<{result: StopJson; stderr: string; elapsed: number}> {
    assert.ok(host)
    const stopping = performance.now()
    const res = await aiHow(c, ['hpc', 'stop', c.config, '--timeout', String(timeoutS), '--json'])
    const elapsed = seconds(stopping)
    t.diagnostic(`${c.name}: stop ${elapsed} s (--timeout ${timeoutS}): ${res.stdout.replace(/\s+/g, ' ').slice(0, 600)}`)
    assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`)
    const result = parseJson(res.stdout) as StopJson
    assert.equal(result.status, 'stopped')
    assert.equal((await readState(c)).entry?.status, 'stopped')
    const state = await virsh(host, ['domstate', `${c.name}-controller`])
    assert.equal(state.stdout.trim(), 'shut off')
    return {result, stderr: res.stderr, elapsed}
  }

  /**
   * Stops sshd on the controller of `c` for this boot only (a runtime mask), over SSH, and checks
   * that SSH is refused. The session itself may be cut when sshd goes (its processes are in
   * ssh.service when no logind moves them out), so only the refusal afterwards counts.
   */
  async function breakSsh(c: E2eCluster, user: string): Promise<void> {
    assert.ok(host)
    const target = {ip: c.controllerIp, user, privateKeyPath: c.privateKey}
    await sshRun(host, target, 'sudo systemctl stop ssh.socket 2>/dev/null; sudo systemctl mask --runtime --now ssh.service', 60_000)
    const probe = await sshRun(host, target, 'true', 20_000)
    assert.equal(probe.connected, false, 'SSH still answers after sshd was stopped')
  }

  before(async () => {
    host = await ensureHost()
    dirs = await makeAiHowDirs()
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-stop-'))
  })

  after(async () => {
    await tearDown({host, dirs, work, clusters: () => clusters.map((c) => ({name: c.name, destroy: () => aiHow(c, ['hpc', 'destroy', c.config, '--force'])}))})
  })

  let plain: {c: E2eCluster; image: GuestImage} | undefined

  void it('no dbus, no guest agent: every node is powered off over SSH, none forced, well under the timeout', async (t) => {
    const image = await ensureGuestImage('no-dbus-no-agent')
    const c = await startNew(t, 'nodbus', image)
    plain = {c, image}
    const {result, elapsed} = await stop(t, c, TIMEOUT_S)
    assert.deepEqual(result.nodes.map((n) => [n.name, n.method]), [[`${c.name}-controller`, 'ssh']], JSON.stringify(result.nodes))
    assert.match(result.nodes[0]?.tried[0] ?? '', /^agent: .*not connected/i, 'the channel is there, no agent listens on it')
    assert.deepEqual([result.forced, result.warnings], [[], []])
    assert.ok(elapsed < TIMEOUT_S / 2, `stop took ${elapsed} s`)
  })

  void it('no dbus, no guest agent, SSH broken: the node is forced at --timeout (not later), named with what was tried, as a warning', async (t) => {
    assert.ok(plain, 'the plain-image cluster of the test above')
    const {c, image} = plain
    const vm = `${c.name}-controller`
    await start(t, c)
    await breakSsh(c, image.user)
    const timeoutS = 20
    const {result, stderr, elapsed} = await stop(t, c, timeoutS)
    assert.deepEqual(result.nodes.map((n) => [n.name, n.method]), [[vm, 'forced']], JSON.stringify(result.nodes))
    const tried = result.nodes[0]?.tried ?? []
    assert.deepEqual(tried.map((l) => l.split(':')[0]), ['agent', 'ssh', 'acpi'], tried.join('; '))
    assert.match(tried[1] ?? '', /^ssh: /)
    assert.doesNotMatch(tried[1] ?? '', /accepted/, 'SSH is broken: nothing accepted the poweroff')
    assert.equal(tried[2], 'acpi: request sent')
    assert.deepEqual(result.forced, [vm])
    assert.deepEqual(result.stopped, [], 'stopped names the nodes that went down by themselves')
    assert.equal(result.warnings.length, 1, result.warnings.join('\n'))
    assert.match(result.warnings[0] ?? '', new RegExp(`^${vm} was still running after ${timeoutS} s and was powered off by force \\(agent: `))
    // On stderr the runner prefixes the step's title: `Warning: Shut down 1 VM(s) of NAME: <warning>`.
    const warned = stderr.split('\n').filter((l) => l.startsWith('Warning: ') && l.endsWith(result.warnings[0] ?? '-'))
    assert.equal(warned.length, 1, `the warning is on stderr too:\n${stderr}`)
    assert.ok(elapsed >= timeoutS && elapsed < timeoutS + 40, `stop took ${elapsed} s with --timeout ${timeoutS}`)
  })

  void it('the tuned image (with the agent), SSH broken: the node is shut down through the guest agent, none forced', async (t) => {
    const image = await ensureGuestImage()
    const c = await startNew(t, 'agent', image)
    await breakSsh(c, image.user)
    const {result, elapsed} = await stop(t, c, TIMEOUT_S)
    assert.deepEqual(result.nodes.map((n) => [n.name, n.method]), [[`${c.name}-controller`, 'agent']], JSON.stringify(result.nodes))
    assert.deepEqual(result.nodes[0]?.tried, ['agent: shutdown accepted'])
    assert.deepEqual([result.forced, result.warnings], [[], []])
    assert.ok(elapsed < TIMEOUT_S / 2, `stop took ${elapsed} s`)
  })
})
