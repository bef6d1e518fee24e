// The hpc lifecycle on a real libvirtd (namespaced, TCG guests from the cached Debian image), driven
// through the real `ai-how` binary: start of a controller + 2 compute nodes (SSH with the cluster
// key at the configured IPs, each guest holding the host key ai-how generated and listed in
// known_hosts before it booted, the deploy playbook run by ai-how against its inventory), status,
// stop --suspend (status suspended) and the start that restores the same domains (uptime goes on,
// clock stepped to the host's), stop (over SSH: the `no-dbus-no-agent` image has neither dbus nor
// the guest agent, and no node is forced), start again (same domains by UUID), destroy (nothing of
// the cluster left, no saved memory image).
import assert from 'node:assert/strict'
import {access, mkdtemp, readdir, readFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {ensureGuestImage, ensureHost, findLeftovers, inNetns, makeAiHowDirs, runAiHow, sshRun, tearDown, virsh} from './harness/index.js'
import type {AiHowDirs, E2eHost, GuestImage} from './harness/index.js'
import {parseJson, planCluster, readState, recordedHostKey, writeConfig} from './hpc/cluster.js'
import type {E2eCluster} from './hpc/cluster.js'

const seconds = (start: number): string => ((performance.now() - start) / 1000).toFixed(1)

interface NodeStatus {
  name: string
  state: string
  vm_id: string | null
  ip: {configured: string | null; live: string | null}
}

void describe('hpc start | status | stop | start | destroy on a real libvirtd', {timeout: 40 * 60_000}, () => {
  let host: E2eHost | undefined
  let image: GuestImage
  let dirs: AiHowDirs | undefined
  let c: E2eCluster
  let work: string | undefined
  const ips = (): string[] => [c.controllerIp, `${c.subnet}.11`, `${c.subnet}.12`]
  const vms = (): string[] => [`${c.name}-controller`, `${c.name}-compute-01`, `${c.name}-compute-02`]
  const aiHow = async (args: string[], timeoutMs = 20 * 60_000): Promise<{exitCode: number; stdout: string; stderr: string}> => {
    assert.ok(host && dirs)
    return runAiHow(host, [...args, '--state', c.state], {dirs, timeoutMs})
  }
  let uuids: string[] = []

  before(async () => {
    host = await ensureHost()
    image = await ensureGuestImage('no-dbus-no-agent')
    dirs = await makeAiHowDirs()
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-hpc-'))
    c = planCluster(work, 'life')
    await writeConfig(c, image, [{ip: `${c.subnet}.11`}, {ip: `${c.subnet}.12`}])
  })

  after(async () => {
    // Whatever happened above, nothing of the cluster may stay.
    await tearDown({host, dirs, work, clusters: () => [{name: c.name, destroy: () => aiHow(['hpc', 'destroy', c.config, '--force'])}]})
  })

  void it('start creates 3 VMs that answer SSH with the cluster key at their configured IPs and runs the deploy playbook', async (t) => {
    assert.ok(host)
    const start = performance.now()
    const res = await aiHow(['hpc', 'start', c.config, '--json'])
    t.diagnostic(`hpc start (3 TCG guests, base image import, SSH, ansible): ${seconds(start)} s`)
    assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`)
    const result = parseJson(res.stdout) as {created: string[]; status: string; ssh_ready: {name: string; seconds: number}[]; deploy: {ran: boolean; ok: boolean; log_file: string}}
    assert.deepEqual([...result.created].sort(), [...vms()].sort())
    assert.equal(result.status, 'running')
    t.diagnostic(`SSH ready after: ${result.ssh_ready.map((r) => `${r.name} ${r.seconds} s`).join(', ')}`)
    assert.equal(result.deploy.ran, true)
    assert.equal(result.deploy.ok, true)
    const log = await readFile(result.deploy.log_file, 'utf8')
    for (const vm of vms()) assert.match(log, new RegExp(`${vm}\\s*: ok=\\d+\\s+changed=1\\s+unreachable=0\\s+failed=0`))
    for (const [i, ip] of ips().entries()) {
      // cloud-init (22.4) writes the .pub of a host key given in ssh_keys 0600 and without a final newline: read it with sudo, in $(...).
      const command = "cat /var/tmp/ai-how-e2e-marker && echo \"$(sudo -n cat /etc/ssh/ssh_host_ed25519_key.pub)\" && ls /etc/ssh | grep '^ssh_host_.*_key$'"
      const probe = await sshRun(host, {ip, user: image.user, privateKeyPath: c.privateKey}, command, 60_000)
      assert.ok(probe.connected, `no SSH to ${ip}: ${probe.lastError}`)
      assert.equal(probe.exitCode, 0, probe.stderr)
      const [marker, guestKey, ...hostKeyFiles] = probe.stdout.trim().split('\n')
      // The marker proves the playbook reached this VM (facts: hostname, address, release).
      assert.equal(marker, `${vms()[i] ?? ''} ${ip} bookworm`)
      // The guest uses the host key ai-how generated (and no other), which known_hosts listed before it booted.
      const generated = (await readFile(path.join(c.output, 'keys', c.name, `${vms()[i] ?? ''}.ssh_host_ed25519_key.pub`), 'utf8')).trim()
      assert.equal(guestKey?.split(' ').slice(0, 2).join(' '), generated.split(' ').slice(0, 2).join(' '))
      assert.deepEqual(hostKeyFiles, ['ssh_host_ed25519_key'])
      assert.equal(await recordedHostKey(c, ip), probe.hostKey)
      assert.equal(probe.hostKey, generated.split(' ').slice(0, 2).join(' '))
    }
    const inventory = await readFile(path.join(c.output, c.name, 'inventory.ini'), 'utf8')
    assert.match(inventory, /StrictHostKeyChecking=yes/)
    for (const vm of vms()) assert.match(inventory, new RegExp(`^${vm} `, 'm'))
  })

  void it('status --json shows every VM running with its live IP equal to the configured one', async () => {
    const res = await aiHow(['hpc', 'status', c.config, '--json'])
    assert.equal(res.exitCode, 0, res.stderr)
    const status = parseJson(res.stdout) as {status: string; nodes: NodeStatus[]; drift: unknown[]}
    assert.equal(status.status, 'running')
    assert.deepEqual(status.nodes.map((n) => [n.name, n.state, n.ip.live]), vms().map((vm, i) => [vm, 'running', ips()[i]]))
    assert.deepEqual(status.drift, [])
    uuids = status.nodes.map((n) => n.vm_id ?? '')
    const {entry} = await readState(c)
    assert.deepEqual(Object.values(entry?.nodes ?? {}).map((n) => n.vm_id), uuids)
  })

  const savedImages = async (): Promise<string[]> => {
    assert.ok(host)
    const ls = await inNetns(host, 'ls', ['-A', '/var/lib/libvirt/qemu/save'], {reject: false})
    return ls.stdout.split('\n').filter((l) => l.trim() !== '')
  }
  const guest = (i: number, command: string): ReturnType<typeof sshRun> => {
    assert.ok(host)
    return sshRun(host, {ip: ips()[i] ?? '', user: image.user, privateKeyPath: c.privateKey}, command, 60_000)
  }
  const uptimes: number[] = []

  void it('stop --suspend saves every VM\'s memory; status (text and --json) and the state say suspended', async (t) => {
    assert.ok(host)
    for (const i of ips().keys()) uptimes.push(Number((await guest(i, 'cat /proc/uptime')).stdout.split(' ')[0]))
    const start = performance.now()
    const res = await aiHow(['hpc', 'stop', c.config, '--suspend', '--json'])
    t.diagnostic(`hpc stop --suspend: ${seconds(start)} s`)
    assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`)
    const result = parseJson(res.stdout) as {status: string; suspended: string[]; forced: string[]; nodes: {name: string; method: string}[]}
    assert.equal(result.status, 'suspended')
    assert.deepEqual([...result.suspended].sort(), [...vms()].sort())
    assert.deepEqual(result.forced, [])
    for (const vm of vms()) {
      assert.equal((await virsh(host, ['domstate', vm])).stdout.trim(), 'shut off')
      assert.match((await virsh(host, ['dominfo', vm])).stdout, /Managed save:\s+yes/)
    }
    assert.equal((await savedImages()).length, 3, 'one saved image per VM in the daemon\'s save folder')
    assert.equal((await readState(c)).entry?.status, 'suspended')
    const json = await aiHow(['hpc', 'status', c.config, '--json'])
    const status = parseJson(json.stdout) as {status: string; nodes: (NodeStatus & {suspended: boolean})[]}
    assert.equal(status.status, 'suspended')
    assert.deepEqual(status.nodes.map((n) => [n.state, n.suspended]), vms().map(() => ['shutoff', true]))
    const text = await aiHow(['hpc', 'status', c.config])
    assert.match(text.stdout, new RegExp(`^hpc cluster ${c.name}: suspended \\(state file says suspended\\)`, 'm'))
    assert.match(text.stdout, /shutoff \(suspended\)/)
  })

  void it('start restores the same domains: uptime goes on, the clock is within 2 s of the host\'s, no saved image stays', async (t) => {
    assert.ok(host)
    const start = performance.now()
    const res = await aiHow(['hpc', 'start', c.config, '--json'])
    t.diagnostic(`hpc start of the suspended cluster: ${seconds(start)} s`)
    assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`)
    const result = parseJson(res.stdout) as {created: string[]; restored: string[]; clock: {name: string; method: string; offset_before_s: number; offset_after_s: number}[]}
    assert.deepEqual(result.created, [])
    assert.deepEqual([...result.restored].sort(), [...vms()].sort())
    t.diagnostic(`clock: ${result.clock.map((k) => `${k.name} ${k.method} ${k.offset_before_s} s -> ${k.offset_after_s} s`).join(', ')}`)
    // The image has no guest agent: the step goes over SSH.
    assert.deepEqual(result.clock.map((k) => k.method), ['ssh', 'ssh', 'ssh'])
    for (const [i, vm] of vms().entries()) {
      assert.equal((await virsh(host, ['domuuid', vm])).stdout.trim(), uuids[i])
      assert.equal((await virsh(host, ['domstate', vm])).stdout.trim(), 'running')
      const sent = Date.now()
      const probe = await guest(i, 'cat /proc/uptime; date +%s.%N')
      const [uptime, clock] = probe.stdout.trim().split('\n')
      assert.ok(Number(uptime?.split(' ')[0]) > (uptimes[i] ?? Infinity), `${vm}: uptime ${uptime ?? ''} goes on from ${uptimes[i] ?? ''} (not a reboot)`)
      const offset = Number(clock) - (sent + Date.now()) / 2000
      assert.ok(Math.abs(offset) < 2, `${vm}: clock ${offset.toFixed(3)} s off the host's`)
    }
    assert.deepEqual(await savedImages(), [])
    assert.equal((await readState(c)).entry?.status, 'running')
  })

  void it('stop on the plain image shuts every VM off over SSH, forces none, and the state says stopped', async (t) => {
    assert.ok(host)
    const start = performance.now()
    const res = await aiHow(['hpc', 'stop', c.config, '--timeout', '120', '--json'])
    t.diagnostic(`hpc stop: ${seconds(start)} s`)
    assert.equal(res.exitCode, 0, res.stderr)
    const result = parseJson(res.stdout) as {forced: string[]; nodes: {name: string; method: string}[]}
    assert.deepEqual(result.forced, [])
    assert.deepEqual(result.nodes.map((n) => n.method), ['ssh', 'ssh', 'ssh'])
    for (const vm of vms()) assert.equal((await virsh(host, ['domstate', vm])).stdout.trim(), 'shut off')
    const {entry} = await readState(c)
    assert.equal(entry?.status, 'stopped')
    assert.deepEqual(Object.values(entry.nodes).map((n) => n.state), ['shutoff', 'shutoff', 'shutoff'])
  })

  void it('start of the stopped cluster boots the same domains (by UUID) and they answer SSH again', async (t) => {
    assert.ok(host)
    const start = performance.now()
    const res = await aiHow(['hpc', 'start', c.config, '--json'])
    t.diagnostic(`hpc start of the stopped cluster: ${seconds(start)} s`)
    assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`)
    const result = parseJson(res.stdout) as {created: string[]; started: string[]}
    assert.deepEqual(result.created, [])
    assert.deepEqual([...result.started].sort(), [...vms()].sort())
    for (const [i, vm] of vms().entries()) {
      assert.equal((await virsh(host, ['domuuid', vm])).stdout.trim(), uuids[i])
      assert.equal((await virsh(host, ['domstate', vm])).stdout.trim(), 'running')
    }
    // The disks survived: the marker written by the first deploy is still there.
    const probe = await sshRun(host, {ip: c.controllerIp, user: image.user, privateKeyPath: c.privateKey}, 'cat /var/tmp/ai-how-e2e-marker', 60_000)
    assert.equal(probe.stdout.trim(), `${c.name}-controller ${c.controllerIp} bookworm`)
  })

  void it('destroy --force of the suspended cluster leaves no domain, volume, pool, network, seed, saved image or state entry of it', async (t) => {
    assert.ok(host)
    const suspend = await aiHow(['hpc', 'stop', c.config, '--suspend', '--json'])
    assert.equal(suspend.exitCode, 0, suspend.stderr)
    assert.equal((await savedImages()).length, 3)
    const start = performance.now()
    const res = await aiHow(['hpc', 'destroy', c.config, '--force', '--json'])
    t.diagnostic(`hpc destroy: ${seconds(start)} s`)
    assert.equal(res.exitCode, 0, res.stderr)
    const result = parseJson(res.stdout) as {domains: string[]; pools: string[]; networks: string[]; archive: string}
    assert.deepEqual([...result.domains].sort(), [...vms()].sort())
    assert.deepEqual(await findLeftovers(host, c.name), [])
    assert.deepEqual(await savedImages(), [], 'no saved memory image')
    const bridge = await inNetns(host, 'ip', ['link', 'show', `br${c.name.slice(-10)}`], {reject: false})
    assert.equal(bridge.exitCode, 1, 'the bridge is gone')
    assert.match(bridge.stderr, /does not exist/)
    const {entry} = await readState(c)
    assert.equal(entry, undefined)
    await access(path.join(result.archive, 'state-entry.json'))
    await assert.rejects(access(c.knownHosts), 'known_hosts of the destroyed cluster is gone')
    assert.deepEqual(await readdir(path.dirname(c.knownHosts)), ['id_ed25519', 'id_ed25519.pub'], 'the nodes\' host keys are gone, the cluster key stays')
  })
})
