// Issue 11 §2, the cloud half of crash-safety on a real libvirtd: `kill -9` of ai-how in each phase
// of the cloud kind, with ONE cluster whose control plane boots (both workers are only defined:
// auto_start false). The phase is seen in the plain progress lines or in ai-how's children, never
// guessed by sleeping. One chain, each command resuming what the killed one left:
//  1. `cloud start --skip-deploy` killed while it creates the nodes, then while it waits for SSH;
//  2. a start killed in its deploy (a playbook that sleeps), then one that deploys the stand-in
//     (examples/kube-standin: a fake API server and a unit named kubelet that only sleeps);
//  3. `cloud stop` killed once it has cordoned the control plane and stopped its kubelet, as it
//     shuts the VM down: nothing of it was recorded, yet the next start uncordons the node (by
//     ai-how's mark on it, seen by the stand-in's audit log) and, where the VM ran on, starts
//     kubelet again; at the end kubelet runs and no node is cordoned;
//  4. `cloud destroy --force` killed while it removes the domains, then one that removes the rest.
// After each kill `cloud status --json` (exit 0) says what libvirt has and what the state file
// records. At the end nothing is left: no domain, volume, seed, pool, network, lock file, state
// entry or known_hosts entry.
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {mkdtemp, readFile, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {ensureGuestImage, ensureHost, makeAiHowDirs, runAiHow, sshRun, tearDown} from './harness/index.js'
import type {AiHowDirs, CmdResult, E2eHost, GuestImage, SshTarget} from './harness/index.js'
import {STANDIN_PLAYBOOK, cloudVms, readCloudState, standinAudit, writeCloudConfig} from './cloud/cluster.js'
import type {StandinAudit} from './cloud/cluster.js'
import {SLEEPING_PLAYBOOK, inDeploy, killIn as killIn_, show} from './crash/kill.js'
import {statusTellsTruth as statusTellsTruth_} from './crash/truth.js'
import type {Status} from './crash/truth.js'
import {parseJson, planCluster} from './hpc/cluster.js'
import type {E2eCluster} from './hpc/cluster.js'
import {assertNothingLeft as nothingLeft} from './hpc/nothing-left.js'

void describe('crash-safety of cloud start, stop and destroy on a real libvirtd', {timeout: 20 * 60_000}, () => {
  let host: E2eHost | undefined
  let image: GuestImage
  let dirs: AiHowDirs | undefined
  let c: E2eCluster
  let work: string | undefined
  let sleeping = ''
  const aiHow = async (args: string[]): Promise<CmdResult> => {
    assert.ok(host && dirs)
    return runAiHow(host, [...args, '--state', c.state], {dirs, timeoutMs: 10 * 60_000})
  }
  const lockFile = (): string => `${c.state}.cloud_cluster.lock`
  const cp = (): string => `${c.name}-control-plane`
  const killIn = (args: string[], reached: (stderr: string, pid: number) => boolean | Promise<boolean>): Promise<string> => {
    assert.ok(host && dirs)
    return killIn_({host, dirs, state: c.state, lockFile: lockFile()}, args, reached)
  }
  const statusTellsTruth = (): Promise<Status> => {
    assert.ok(host)
    return statusTellsTruth_({host, c, kind: 'cloud', stateKey: 'cloud_cluster', names: cloudVms(c), sorted: true, aiHow})
  }
  const usePlaybook = async (playbook: string): Promise<void> => {
    await writeFile(c.config, (await readFile(c.config, 'utf8')).replace(/playbook: .*\n/, `playbook: ${playbook}\n`))
  }
  const cpTarget = (): SshTarget => ({ip: c.controllerIp, user: image.user, privateKeyPath: c.privateKey})
  /** A command on the control plane over SSH with the cluster key. */
  const onCp = async (command: string): Promise<string> => {
    assert.ok(host)
    return (await sshRun(host, cpTarget(), command, 60_000)).stdout
  }
  /** What the stand-in API saw (one JSON line per mutating request). */
  const audit = (): Promise<StandinAudit[]> => {
    assert.ok(host)
    return standinAudit(host, cpTarget())
  }

  before(async () => {
    host = await ensureHost()
    image = await ensureGuestImage()
    dirs = await makeAiHowDirs()
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-cloud-crash-'))
    c = planCluster(work, 'ccrash')
    sleeping = path.join(work, 'sleep.yml')
    await writeFile(sleeping, SLEEPING_PLAYBOOK)
    await writeCloudConfig(c, image)
    // Only the control plane boots: the CPU worker is defined like the GPU worker (auto_start: false).
    const text = await readFile(c.config, 'utf8')
    const worker = `ip: ${c.subnet}.11\n`
    assert.ok(text.includes(worker))
    await writeFile(c.config, text.replace(worker, `${worker}        auto_start: false\n`))
  })

  after(async () => {
    await tearDown({host, dirs, work, clusters: () => [{name: c.name, destroy: () => aiHow(['cloud', 'destroy', c.config, '--force'])}]})
  })

  void it('cloud start killed while it creates the nodes, then while it waits for SSH: status tells the truth each time', async (t) => {
    const t0 = performance.now()
    await killIn(['cloud', 'start', c.config, '--skip-deploy'], (stderr) => stderr.includes('cloud-init seed'))
    assert.equal((await statusTellsTruth()).recorded_status, null, 'no start completed: no state entry')
    assert.ok(existsSync(lockFile()), 'the killed start left its lock (the next command takes it over)')
    await killIn(['cloud', 'start', c.config, '--skip-deploy'], (stderr) => stderr.includes('Wait for SSH'))
    const s = await statusTellsTruth()
    assert.equal(s.recorded_status, null)
    assert.equal(s.nodes.find((n) => n.name === cp())?.state, 'running')
    for (const worker of [`${c.name}-cpu-worker-01`, `${c.name}-gpu-worker-01`]) assert.equal(s.nodes.find((n) => n.name === worker)?.state, 'shutoff', `${worker} is defined, not started`)
    assert.ok((await readFile(c.knownHosts, 'utf8')).includes(c.controllerIp), 'the control plane\'s host key is in the cluster\'s known_hosts (written before the boot)')
    t.diagnostic(`two killed starts and their status: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  })

  void it('a start killed in its deploy, then one that deploys, fetches the kubeconfig and is healthy', async (t) => {
    await usePlaybook(sleeping)
    await killIn(['cloud', 'start', c.config], inDeploy)
    const s = await statusTellsTruth()
    assert.equal(s.recorded_status, null, 'the killed deploy wrote no entry')
    await usePlaybook(STANDIN_PLAYBOOK)
    const t0 = performance.now()
    const start = await aiHow(['cloud', 'start', c.config, '--json'])
    t.diagnostic(`completing start with the stand-in deploy: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    assert.equal(start.exitCode, 0, show(start))
    const result = parseJson(start.stdout) as {created: string[]; deploy: {ran: boolean; ok: boolean}; kubernetes: {healthy: boolean; uncordoned: string[]; runtime_started: object}}
    assert.deepEqual(result.created, [], 'nothing duplicated: the killed starts made every domain')
    assert.deepEqual([result.deploy.ran, result.deploy.ok, result.kubernetes.healthy], [true, true, true])
    assert.deepEqual(result.kubernetes.runtime_started, {}, 'no kubelet unit before the deploy')
    assert.equal((await statusTellsTruth()).recorded_status, 'running')
    assert.equal((await onCp('systemctl is-active kubelet.service || true')).trim(), 'active')
  })

  void it('stop killed after its cordon and kubelet stop: the next start uncordons the node by its mark and kubelet runs again', async (t) => {
    const stderr = await killIn(['cloud', 'stop', c.config], (text) => text.includes('Shut down 1 VM(s)'))
    assert.match(stderr, /Drained: cordoned 1, evicted \d+ pod\(s\)/)
    const killed = await statusTellsTruth()
    assert.equal(killed.recorded_status, 'running', 'the killed stop recorded nothing')
    assert.deepEqual((await readCloudState(c)).entry?.kubernetes.cordoned, [], 'the cordon is not in the state file')
    const ranOn = killed.nodes.find((n) => n.name === cp())?.state === 'running'
    t.diagnostic(`after the killed stop the control plane is ${ranOn ? 'running' : 'going down or off'}`)

    const t0 = performance.now()
    let start = await aiHow(['cloud', 'start', c.config, '--json'])
    if (start.exitCode !== 0) {
      // The stop was killed after it had asked the guest to power off: the start says so at once; the next completes.
      const error = parseJson(start.stdout) as {code: string; message: string}
      t.diagnostic(`${error.code}: ${error.message}`)
      assert.equal(error.code, 'VM_STOPPED_DURING_START', show(start))
      await statusTellsTruth()
      start = await aiHow(['cloud', 'start', c.config, '--json'])
    }
    t.diagnostic(`start after the killed stop: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    assert.equal(start.exitCode, 0, show(start))
    const result = parseJson(start.stdout) as {started: string[]; kubernetes: {healthy: boolean; uncordoned: string[]; runtime_started: Record<string, string[]>}}
    t.diagnostic(`started: ${result.started.join(', ') || 'none'}; runtime started again: ${JSON.stringify(result.kubernetes.runtime_started)}`)
    assert.deepEqual(result.kubernetes.uncordoned, [cp()], 'uncordoned by the mark the killed stop left on the node')
    if (!result.started.includes(cp())) assert.deepEqual(result.kubernetes.runtime_started, {[cp()]: ['kubelet']}, 'the VM ran on: kubelet started again')
    assert.equal(result.kubernetes.healthy, true)
    const patches = (await audit()).filter((a) => a.verb === 'patch' && a.node === cp() && a.code === 200).map((a) => a.unschedulable)
    assert.deepEqual(patches, [true, false], 'cordoned by the killed stop, uncordoned by the start')
    assert.equal((await onCp('systemctl is-active kubelet.service || true')).trim(), 'active')
    assert.equal((await statusTellsTruth()).recorded_status, 'running')
    assert.deepEqual((await readCloudState(c)).entry?.kubernetes.cordoned, [])
  })

  void it('destroy --force killed while it removes the domains, then one that finds the rest by ownership: nothing is left', async (t) => {
    assert.ok(host)
    await killIn(['cloud', 'destroy', c.config, '--force'], (stderr) => /Remove \d+ domain\(s\)/.test(stderr))
    await statusTellsTruth()
    const t0 = performance.now()
    const destroy = await aiHow(['cloud', 'destroy', c.config, '--force', '--json'])
    t.diagnostic(`destroy --force: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    assert.equal(destroy.exitCode, 0, show(destroy))
    assert.ok(!existsSync(lockFile()), 'no lock file')
    await nothingLeft(host, c)
    if (existsSync(c.state)) assert.equal((await readCloudState(c)).entry, undefined, 'no state entry')
  })
})
