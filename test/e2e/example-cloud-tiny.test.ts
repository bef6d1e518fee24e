// The cloud kind end to end on a real libvirtd, through the shipped examples/cloud-tiny.yaml (as a
// new user runs it): a control plane and a CPU worker boot (TCG guests of the cached image), a GPU
// worker is defined and not started (auto_start: false); the stand-in deploy playbook puts a TLS
// service speaking the Kubernetes API paths on the control plane and writes admin.conf, so the
// kubeconfig fetch and rewrite, the health check, the drain on stop and the uncordon on start all
// run over the guest network against a server on the guest. Then status, stop, start (same UUIDs),
// and destroy answered "y" on a pseudo-terminal: nothing left, the archive kept. The guests run the
// `no-dbus-no-agent` image variant (as on a plain minimal image: no guest agent, nothing acts on
// ACPI), so stop powers every node off over SSH, none forced, and destroy of the running cluster
// does not wait for any shutdown (issue 12).
import assert from 'node:assert/strict'
import {access, mkdir, mkdtemp, readFile, stat, symlink} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {ensureGuestImage, ensureHost, findLeftovers, makeAiHowDirs, repoRoot, runAiHow, tearDown, virsh} from './harness/index.js'
import type {AiHowDirs, E2eHost, GuestImage} from './harness/index.js'
import {parseJson} from './hpc/cluster.js'
import {standinAudit} from './cloud/cluster.js'
import type {CloudEntry, StandinAudit} from './cloud/cluster.js'

const example = path.join(repoRoot, 'examples', 'cloud-tiny.yaml')
const NAME = 'cloud-tiny'
const CP = `${NAME}-control-plane`
const WORKER = `${NAME}-cpu-worker-01`
const GPU = `${NAME}-gpu-worker-01`
const IPS: Record<string, string> = {[CP]: '192.168.160.10', [WORKER]: '192.168.160.11', [GPU]: '192.168.160.12'}
const seconds = (start: number): string => ((performance.now() - start) / 1000).toFixed(1)

void describe('examples/cloud-tiny.yaml: cloud start | status | stop | start | destroy on a real libvirtd', {timeout: 45 * 60_000}, () => {
  let host: E2eHost | undefined
  let image: GuestImage
  let dirs: AiHowDirs | undefined
  let work = ''
  let env: Record<string, string> = {}
  const uuids: Record<string, string> = {}
  const state = (): string => path.join(work, 'output', 'state.json')
  const aiHow = async (args: string[], terminalInput?: string): Promise<{exitCode: number; stdout: string; stderr: string}> => {
    assert.ok(host && dirs)
    return runAiHow(host, [...args, '--state', state()], {dirs, env, timeoutMs: 25 * 60_000, ...(terminalInput === undefined ? {} : {terminalInput})})
  }
  const entry = async (): Promise<CloudEntry | undefined> => (JSON.parse(await readFile(state(), 'utf8')) as {cloud_cluster?: CloudEntry}).cloud_cluster
  const key = (): string => path.join(work, 'output', 'keys', NAME, 'id_ed25519')
  /** What the stand-in API on the control plane saw (one JSON line per mutating request). */
  const audit = (): Promise<StandinAudit[]> => {
    assert.ok(host)
    return standinAudit(host, {ip: IPS[CP] ?? '', user: image.user, privateKeyPath: key()})
  }

  before(async () => {
    host = await ensureHost()
    image = await ensureGuestImage('no-dbus-no-agent')
    dirs = await makeAiHowDirs()
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-cloud-'))
    // The example reads base.qcow2, vmlinuz and initrd.img from AI_HOW_IMAGE_DIR: the variant's disk
    // beside the base's kernel and initrd.
    const imageDir = path.join(work, 'image')
    await mkdir(imageDir)
    await symlink(image.image, path.join(imageDir, 'base.qcow2'))
    await symlink(image.kernel, path.join(imageDir, 'vmlinuz'))
    await symlink(image.initrd, path.join(imageDir, 'initrd.img'))
    env = {AI_HOW_IMAGE_DIR: imageDir, AI_HOW_ENABLE_KVM: 'false'}
  })

  after(async () => {
    await tearDown({host, dirs, work, clusters: () => [{name: NAME, destroy: () => aiHow(['cloud', 'destroy', example, '--force'])}]})
  })

  void it('start boots the control plane and the CPU worker, defines the GPU worker, deploys, fetches the kubeconfig and reports healthy', async (t) => {
    assert.ok(host)
    const start = performance.now()
    const res = await aiHow(['cloud', 'start', example, '--json'])
    t.diagnostic(`cloud start (2 TCG guests + 1 defined, base import, SSH, stand-in deploy, health): ${seconds(start)} s`)
    assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`)
    const result = parseJson(res.stdout) as {created: string[]; started: string[]; left_out: {name: string}[]; deploy: {ran: boolean; ok: boolean; log_file: string}; kubernetes: {healthy: boolean; kubeconfig: string; nodes_ready: string}}
    assert.deepEqual([...result.created].sort(), [CP, WORKER, GPU].sort())
    assert.deepEqual([...result.started].sort(), [CP, WORKER].sort())
    assert.deepEqual(result.left_out.map((n) => n.name), [GPU])
    assert.match(res.stderr, new RegExp(`${GPU}.*cannot be started on this host|gpu-worker-01 .* left out of the inventory`))
    assert.equal(result.deploy.ok, true)
    assert.equal(result.kubernetes.healthy, true)
    assert.equal(result.kubernetes.nodes_ready, '2/2')
    assert.equal(((await stat(result.deploy.log_file)).mode & 0o777).toString(8), '600')
    const kubeconfig = await readFile(result.kubernetes.kubeconfig, 'utf8')
    assert.match(kubeconfig, new RegExp(`server: https://${(IPS[CP] ?? '').replaceAll('.', '\\.')}:6443`))
    assert.equal(((await stat(result.kubernetes.kubeconfig)).mode & 0o777).toString(8), '600')
    assert.equal((await virsh(host, ['domstate', GPU])).stdout.trim(), 'shut off')
  })

  void it("jq '.cloud_cluster' has the spec's shape with the live UUIDs and IPs", async () => {
    assert.ok(host)
    const e = await entry()
    assert.ok(e)
    assert.equal(e.name, NAME)
    assert.equal(e.config_file, example)
    assert.equal(e.status, 'running')
    assert.equal(e.network.name, `${NAME}-network`)
    assert.equal(e.pool.name, `${NAME}-pool`)
    assert.equal(e.kubernetes.healthy, true)
    assert.deepEqual(Object.keys(e.nodes), ['control-plane', 'cpu-worker-01', 'gpu-worker-01'])
    for (const node of Object.values(e.nodes)) {
      const uuid = (await virsh(host, ['domuuid', node.vm_name])).stdout.trim()
      assert.equal(node.vm_id, uuid, node.vm_name)
      assert.equal(node.ip, IPS[node.vm_name])
      assert.match(node.mac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/)
      uuids[node.vm_name] = uuid
    }
    assert.deepEqual(Object.values(e.nodes).map((n) => [n.role, n.state]), [['kubernetes-control-plane', 'running'], ['kubernetes-worker', 'running'], ['kubernetes-worker', 'shutoff']])
    const gpuWorker = Object.values(e.nodes).find((n) => n.vm_name === GPU)
    assert.ok(gpuWorker)
    assert.deepEqual(gpuWorker.pci_devices, ['0000:01:00.0', '0000:01:00.1'])
    assert.ok(gpuWorker.gpu)
  })

  void it('status (text and --json) reports the API reachable and 2/2 nodes Ready, and writes nothing', async () => {
    const before = await readFile(state(), 'utf8')
    const json = await aiHow(['cloud', 'status', example, '--json'])
    assert.equal(json.exitCode, 0, json.stderr)
    const status = parseJson(json.stdout) as {status: string; kubernetes: {api_reachable: boolean; nodes_ready: string; version: string; healthy: boolean}}
    assert.equal(status.status, 'running')
    assert.deepEqual([status.kubernetes.api_reachable, status.kubernetes.nodes_ready, status.kubernetes.healthy], [true, '2/2', true])
    assert.match(status.kubernetes.version, /^v1\./)
    const text = await aiHow(['cloud', 'status', example])
    assert.equal(text.exitCode, 0, text.stderr)
    assert.match(text.stdout, /Kubernetes: API reachable, v1\.\S+, nodes Ready 2\/2/)
    assert.equal(await readFile(state(), 'utf8'), before)
  })

  void it('stop cordons and evicts through the API (seen by the stand-in), powers every VM off over SSH (none forced), and keeps no stale health', async (t) => {
    assert.ok(host)
    const start = performance.now()
    const res = await aiHow(['cloud', 'stop', example, '--json'])
    t.diagnostic(`cloud stop (drain, kubelet, shutdown): ${seconds(start)} s`)
    assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`)
    const result = parseJson(res.stdout) as {status: string; drain: {cordoned: string[]; evicted: {name: string}[]}; forced: string[]; warnings: string[]; nodes: {name: string; method: string}[]}
    assert.equal(result.status, 'stopped')
    const methods = result.nodes.map((n) => [n.name, n.method]).sort()
    assert.deepEqual(methods, [[CP, 'ssh'], [WORKER, 'ssh']].sort(), JSON.stringify(result.nodes))
    assert.deepEqual([result.forced, result.warnings], [[], []])
    assert.deepEqual([...result.drain.cordoned].sort(), [CP, WORKER].sort())
    assert.ok(result.drain.evicted.some((p) => p.name === `web-${WORKER}`), JSON.stringify(result.drain))
    for (const vm of [CP, WORKER, GPU]) assert.equal((await virsh(host, ['domstate', vm])).stdout.trim(), 'shut off')
    const e = await entry()
    assert.equal(e?.status, 'stopped')
    assert.ok(e)
    assert.equal(e.kubernetes.healthy, null)
    assert.deepEqual([...e.kubernetes.cordoned].sort(), [CP, WORKER].sort())
  })

  void it('start of the stopped cluster boots the same VMs, uncordons what stop cordoned (seen by the stand-in), and is healthy', async (t) => {
    assert.ok(host)
    const start = performance.now()
    const res = await aiHow(['cloud', 'start', example, '--json'])
    t.diagnostic(`cloud start of the stopped cluster: ${seconds(start)} s`)
    assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`)
    const result = parseJson(res.stdout) as {created: string[]; kubernetes: {healthy: boolean; uncordoned: string[]}; deploy: {ran: boolean}}
    assert.deepEqual(result.created, [])
    assert.equal(result.deploy.ran, false)
    assert.deepEqual([...result.kubernetes.uncordoned].sort(), [CP, WORKER].sort())
    assert.equal(result.kubernetes.healthy, true)
    for (const [vm, uuid] of Object.entries(uuids)) assert.equal((await virsh(host, ['domuuid', vm])).stdout.trim(), uuid)
    const seen = await audit()
    const patches = (node: string): boolean[] => seen.filter((a) => a.verb === 'patch' && a.node === node && a.code === 200).map((a) => a.unschedulable ?? false)
    assert.deepEqual(patches(WORKER), [true, false], 'cordoned by stop, uncordoned by start')
    assert.deepEqual(patches(CP), [true, false])
    assert.ok(seen.some((a) => a.verb === 'evict' && a.pod === `web-${WORKER}` && a.code === 201))
    assert.deepEqual((await entry())?.kubernetes.cordoned, [])
  })

  void it('destroy answered "y" on a terminal removes everything, keeps the archive, and leaves nothing behind', async (t) => {
    assert.ok(host)
    const start = performance.now()
    const res = await aiHow(['cloud', 'destroy', example], 'y\n')
    const elapsed = seconds(start)
    t.diagnostic(`cloud destroy (2 running VMs powered off at once): ${elapsed} s`)
    assert.equal(res.exitCode, 0, res.stdout)
    // Issue 12 asks for about 15 s on any image (the figure goes in the README); this bound only
    // catches a destroy that waits for a shutdown the plain image never does (120 s before).
    assert.ok(Number(elapsed) < 40, `destroy of the running cluster took ${elapsed} s`)
    assert.match(res.stdout, /Destroy cloud cluster cloud-tiny and everything ai-how created for it\? \[y\/N\]/)
    const archive = /last state entry and logs: (\S+)/.exec(res.stdout)?.[1]
    assert.ok(archive, res.stdout)
    await access(path.join(archive, 'state-entry.json'))
    await access(path.join(archive, 'files', 'kubeconfig'))
    assert.deepEqual(await findLeftovers(host, NAME), [])
    assert.equal(await entry(), undefined)
  })
})
