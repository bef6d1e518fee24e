// Issue 11 §2, crash-safety of the hpc kind on a real libvirtd: `kill -9` of ai-how in each phase,
// with ONE cluster whose one VM boots (its compute node is only defined: auto_start false). The
// phase is seen in start's plain progress lines (or, for the deploy, the ansible-playbook child),
// never guessed by sleeping. (A full disk in the base import and in a seed upload:
// crash-safety-disk-full.test.ts.) One chain of starts, each resuming what the killed one left:
//  1. two `hpc start`s at once: one proceeds, the other is refused at once naming its pid and
//     command; the one that proceeds is killed during the base import (shared objects); status tells
//     what exists; no state entry was written, and `destroy --force` finds everything by ownership;
//  2. a start killed while it creates the nodes (a `destroy` racing it is refused naming it);
//  3. a start killed while it waits for SSH (the domain runs);
//  4. a start whose libvirtd is stopped while it waits for SSH: it fails within seconds naming the
//     URI, writes nothing; status, with the daemon down, fails the same way; with the daemon started
//     again it tells the truth (the guest ran on: the same qemu process);
//  5. a start that completes: the same domain (UUID), nothing duplicated;
//  6. a start killed in its deploy (a playbook that sleeps), then one that completes the deploy;
//  7. `hpc stop` killed while it shuts the VM down, then a start that completes (when the killed stop
//     had already asked the guest to power off, the first start fails at once with
//     VM_STOPPED_DURING_START as the guest goes down, and the next one completes);
//  8. `hpc destroy --force` killed while it removes the domains, then one that removes the rest.
// After each kill: `hpc status --json` (exit 0) says what libvirt has. At the end nothing of the
// cluster is left: no domain, volume, seed, pool, network, lock file or known_hosts entry.
import assert from 'node:assert/strict'
import {mkdtemp, readFile, writeFile} from 'node:fs/promises'
import {existsSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {e2eDir, ensureGuestImage, ensureHost, makeAiHowDirs, runAiHow, spawnAiHow, startLibvirtd, stopLibvirtd, tearDown, virshNames} from './harness/index.js'
import type {AiHowDirs, CmdResult, E2eHost, GuestImage} from './harness/index.js'
import {parseJson, planCluster, writeConfig} from './hpc/cluster.js'
import type {E2eCluster} from './hpc/cluster.js'
import {assertNothingLeft as nothingLeft} from './hpc/nothing-left.js'
import {SLEEPING_PLAYBOOK, inDeploy, killIn as killIn_, lockHolder as lockHolder_, show} from './crash/kill.js'
import type {KillTarget} from './crash/kill.js'
import {statusTellsTruth as statusTellsTruth_} from './crash/truth.js'
import type {Status} from './crash/truth.js'

void describe('crash-safety of hpc start, stop and destroy on a real libvirtd', {timeout: 30 * 60_000}, () => {
  let host: E2eHost | undefined
  let image: GuestImage
  let dirs: AiHowDirs | undefined
  let c: E2eCluster
  let work: string | undefined
  let sleeping: string
  const aiHow = async (args: string[]): Promise<CmdResult> => {
    assert.ok(host && dirs)
    return runAiHow(host, [...args, '--state', c.state], {dirs, timeoutMs: 15 * 60_000})
  }
  const lockFile = (): string => `${c.state}.hpc_cluster.lock`
  const controller = (): string => `${c.name}-controller`

  const target = (): KillTarget => {
    assert.ok(host && dirs)
    return {host, dirs, state: c.state, lockFile: lockFile()}
  }
  const killIn = (args: string[], reached: (stderr: string, pid: number) => boolean | Promise<boolean>, beside?: (pid: number) => Promise<void>): Promise<string> => killIn_(target(), args, reached, beside)
  const lockHolder = (): Promise<number | undefined> => lockHolder_(lockFile())
  const statusTellsTruth = (): Promise<Status> => {
    assert.ok(host)
    return statusTellsTruth_({host, c, kind: 'hpc', stateKey: 'hpc_cluster', names: [controller(), `${c.name}-compute-01`], aiHow})
  }

  const assertNothingLeft = (): Promise<void> => {
    assert.ok(host)
    return nothingLeft(host, c)
  }

  before(async () => {
    host = await ensureHost()
    image = await ensureGuestImage()
    dirs = await makeAiHowDirs()
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-crash-'))
    c = planCluster(work, 'crash')
    sleeping = path.join(work, 'sleep.yml')
    await writeFile(sleeping, SLEEPING_PLAYBOOK)
    await writeConfig(c, image, [{ip: `${c.subnet}.11`}])
    const text = (await readFile(c.config, 'utf8')).replace(`ip: ${c.subnet}.11\n`, `ip: ${c.subnet}.11\n        auto_start: false\n`)
    assert.match(text, /auto_start: false/)
    await writeFile(c.config, text)
  })

  after(async () => {
    await tearDown({host, dirs, work, clusters: () => [{name: c.name, destroy: () => aiHow(['hpc', 'destroy', c.config, '--force'])}]})
  })

  void it('two starts at once: one is refused naming the other; the other, killed in the base import, leaves what destroy --force finds by ownership', async (t) => {
    assert.ok(host && dirs)
    const t0 = performance.now()
    // Plain output (no --json): the progress lines of the one that proceeds say when its base import runs.
    const args = ['hpc', 'start', c.config, '--skip-deploy', '--state', c.state]
    const first = spawnAiHow(host, args, {dirs})
    const second = spawnAiHow(host, args, {dirs})
    let firstErr = ''
    let secondErr = ''
    first.onStderr((text) => { firstErr += text })
    second.onStderr((text) => { secondErr += text })
    // Whatever fails below, neither start outlives this test.
    t.after(async () => {
      for (const child of [first, second]) child.kill('SIGKILL')
      await Promise.all([first.result, second.result])
    })
    const refused = await Promise.race([first.result.then((r) => ({r, other: second})), second.result.then((r) => ({r, other: first}))])
    assert.equal(refused.r.exitCode, 1, show(refused.r))
    const holder = await lockHolder()
    assert.ok(holder !== undefined)
    assert.ok(refused.r.stderr.includes(`Error: the cluster ${c.name} (hpc_cluster) is busy: another ai-how command works on it: pid ${holder} (ai-how hpc start ${c.name})`), show(refused.r))
    t.diagnostic(`second start refused after ${((performance.now() - t0) / 1000).toFixed(1)} s`)

    const proceeding = refused.other
    const stderr = (): string => (proceeding === first ? firstErr : secondErr)
    while (!stderr().includes('Base volume')) {
      assert.ok((await lockHolder()) === holder, `the start ended before the base import:\n${stderr()}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    proceeding.kill('SIGKILL')
    assert.notEqual((await proceeding.result).exitCode, 0)

    const s = await statusTellsTruth()
    assert.deepEqual([s.network.exists, s.pool.exists, s.recorded_status, s.nodes.map((n) => n.state)], [true, true, null, ['absent', 'absent']])
    const destroy = await aiHow(['hpc', 'destroy', c.config, '--force', '--json'])
    assert.equal(destroy.exitCode, 0, show(destroy))
    await assertNothingLeft()
  })

  let uuidBeforeKill = ''
  void it('a start killed while it creates the nodes (a racing destroy is refused), then one killed while it waits for SSH', async () => {
    assert.ok(host)
    await killIn(['hpc', 'start', c.config, '--skip-deploy'], (stderr) => stderr.includes('cloud-init seed'), async (pid) => {
      const destroy = await aiHow(['hpc', 'destroy', c.config, '--force', '--json'])
      assert.equal(destroy.exitCode, 1, show(destroy))
      const error = parseJson(destroy.stdout) as {code: string; message: string}
      assert.equal(error.code, 'CLUSTER_BUSY', error.message)
      assert.ok(error.message.includes(`pid ${pid} (ai-how hpc start ${c.name})`), error.message)
    })
    await statusTellsTruth()
    assert.equal(await lockHolder() !== undefined, true, 'the killed start left its lock (taken over by the next command)')

    await killIn(['hpc', 'start', c.config, '--skip-deploy'], (stderr) => stderr.includes('Wait for SSH'))
    const s = await statusTellsTruth()
    assert.equal(s.nodes.find((n) => n.name === controller())?.state, 'running')
    uuidBeforeKill = s.nodes.find((n) => n.name === controller())?.vm_id ?? ''
    assert.notEqual(uuidBeforeKill, '')
  })

  void it('libvirtd stopped while start waits for SSH: the error names the URI, nothing is written; started again, status tells the truth and the guest ran on', async (t) => {
    assert.ok(host && dirs)
    const h = host
    const stateBefore = existsSync(c.state) ? await readFile(c.state, 'utf8') : undefined
    const qemuPidFile = path.join(h.work, 'run', 'qemu', `${controller()}.pid`)
    const qemuPid = await readFile(qemuPidFile, 'utf8')
    const child = spawnAiHow(h, ['hpc', 'start', c.config, '--skip-deploy', '--state', c.state], {dirs})
    let stderr = ''
    const ended = {now: false}
    child.onStderr((text) => { stderr += text })
    void child.result.then(() => { ended.now = true })
    let stopped = false
    t.after(async () => {
      child.kill('SIGKILL')
      await child.result
      if (stopped) await startLibvirtd(h)
    })
    while (!stderr.includes('Wait for SSH')) {
      if (ended.now) assert.fail(`the start ended before its SSH wait:\n${show(await child.result)}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const t0 = performance.now()
    await stopLibvirtd(h)
    stopped = true
    t.diagnostic(`libvirtd stopped in ${((performance.now() - t0) / 1000).toFixed(1)} s`)

    // With the daemon down, status claims nothing: it fails the same way.
    const down = await aiHow(['hpc', 'status', c.config, '--json'])
    assert.equal(down.exitCode, 1, show(down))
    const error = parseJson(down.stdout) as {code: string; message: string; actions: string[]}
    assert.equal(error.code, 'HYPERVISOR_UNREACHABLE', error.message)
    assert.ok(error.message.includes(`libvirt at ${h.innerUri} cannot be reached: `), error.message)
    assert.ok(error.actions.some((a) => a.startsWith(`Check the URI: ai-how used ${h.innerUri} `)), error.actions.join('\n'))

    const start = await child.result
    // It fails at once (its SSH wait looks at the domains every 5 s), not when the guest answers SSH.
    t.diagnostic(`the start failed ${((performance.now() - t0) / 1000).toFixed(1)} s after the stop: ${start.stderr.split('\n').filter((l) => l.startsWith('Error: ')).join(' ')}`)
    assert.ok(performance.now() - t0 < 30_000, 'within seconds of the stop')
    assert.equal(start.exitCode, 1, show(start))
    assert.match(start.stderr, new RegExp(`Error: virsh .* failed: libvirt at ${h.innerUri.replaceAll('/', '\\/')} cannot be reached: `), show(start))
    assert.ok(start.stderr.includes(`Check the URI: ai-how used ${h.innerUri} `), show(start))
    assert.equal(existsSync(c.state) ? await readFile(c.state, 'utf8') : undefined, stateBefore, 'nothing was written to the state file')

    const t1 = performance.now()
    await startLibvirtd(h)
    stopped = false
    t.diagnostic(`libvirtd started again in ${((performance.now() - t1) / 1000).toFixed(1)} s`)
    const s = await statusTellsTruth()
    assert.equal(s.nodes.find((n) => n.name === controller())?.state, 'running')
    assert.equal(s.nodes.find((n) => n.name === controller())?.vm_id, uuidBeforeKill)
    assert.equal(await readFile(qemuPidFile, 'utf8'), qemuPid, 'the same qemu process: the guest ran on without libvirtd')
  })

  void it('start again completes the cluster without duplicating anything', async (t) => {
    assert.ok(host)
    const t0 = performance.now()
    const start = await aiHow(['hpc', 'start', c.config, '--skip-deploy', '--json'])
    t.diagnostic(`completing start: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    assert.equal(start.exitCode, 0, show(start))
    const s = await statusTellsTruth()
    assert.equal(s.status, 'running')
    assert.equal(s.nodes.find((n) => n.name === controller())?.vm_id, uuidBeforeKill, 'the same domain')
    assert.deepEqual((await virshNames(host, ['list', '--all', '--name'])).filter((n) => n.includes(c.name)).sort(), [`${c.name}-compute-01`, controller()])
    const volumes = (await virshNames(host, ['vol-list', '--pool', `${c.name}-pool`])).slice(2).map((row) => row.split(/\s+/)[0] ?? '')
    t.diagnostic(`volumes: ${volumes.join(' ')}`)
    assert.equal(new Set(volumes).size, volumes.length)
    for (const vm of [controller(), `${c.name}-compute-01`]) assert.ok(volumes.filter((v) => v.includes(vm)).length <= 2, `disk and seed only for ${vm}: ${volumes.join(' ')}`)
    const known = (await readFile(c.knownHosts, 'utf8')).split('\n').filter((l) => l.split(' ')[0]?.split(',').includes(c.controllerIp))
    assert.equal(known.length, 1, 'one known_hosts entry')
  })

  void it('a start killed in its deploy, then one that completes the deploy', async () => {
    const smoke = await readFile(c.config, 'utf8')
    await writeFile(c.config, smoke.replace(/playbook: .*\n/, `playbook: ${sleeping}\n`))
    await killIn(['hpc', 'start', c.config], inDeploy)
    const s = await statusTellsTruth()
    assert.equal(s.status, 'running')
    await writeFile(c.config, smoke.replace(/playbook: .*\n/, `playbook: ${path.join(e2eDir, 'playbooks', 'smoke.yml')}\n`))
    const start = await aiHow(['hpc', 'start', c.config, '--json'])
    assert.equal(start.exitCode, 0, show(start))
    assert.deepEqual((parseJson(start.stdout) as {deploy?: {ran?: boolean; ok?: boolean}}).deploy, {...(parseJson(start.stdout) as {deploy: object}).deploy, ran: true, ok: true}, 'the deploy ran again and succeeded')
    assert.equal((await statusTellsTruth()).recorded_status, 'running')
  })

  void it('stop killed while it shuts the VM down, then a start that completes; destroy killed in the middle, then destroy --force leaves nothing', async (t) => {
    await killIn(['hpc', 'stop', c.config], (stderr) => stderr.includes('Shut down 1 VM(s)'))
    await statusTellsTruth()
    const t0 = performance.now()
    let start = await aiHow(['hpc', 'start', c.config, '--skip-deploy', '--json'])
    t.diagnostic(`start after the killed stop: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    if (start.exitCode !== 0) {
      // The stop was killed after it had asked the guest to power off: the guest went down while this
      // start waited for SSH, and the start said so at once (not at its SSH deadline). The next completes.
      const error = parseJson(start.stdout) as {code: string; message: string}
      t.diagnostic(`${error.code}: ${error.message}`)
      assert.equal(error.code, 'VM_STOPPED_DURING_START', show(start))
      assert.ok(performance.now() - t0 < 120_000, 'well before the SSH deadline')
      await statusTellsTruth()
      start = await aiHow(['hpc', 'start', c.config, '--skip-deploy', '--json'])
    }
    assert.equal(start.exitCode, 0, show(start))
    assert.equal((await statusTellsTruth()).status, 'running')

    await killIn(['hpc', 'destroy', c.config, '--force'], (stderr) => /Remove \d+ domain\(s\)/.test(stderr))
    await statusTellsTruth()
    const destroy = await aiHow(['hpc', 'destroy', c.config, '--force', '--json'])
    assert.equal(destroy.exitCode, 0, show(destroy))
    await assertNothingLeft()
  })
})
