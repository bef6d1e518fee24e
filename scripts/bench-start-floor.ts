/**
 * Benchmark: ai-how's cold `start --skip-deploy` against the physical floor, on the e2e harness's
 * libvirtd (root; software-emulated guests from the cached test image). The floor boots the SAME
 * guests: ai-how starts the cluster once (untimed) and the bench keeps its domain XML, its network
 * XML, its seed ISOs and a copy of its base volume, then destroys it. A floor run creates, untimed,
 * the network (`virsh net-create` of that XML) and a fresh qcow2 overlay per node (so cloud-init
 * runs a first boot), then times `virsh create` of every node (at once) until the slowest node
 * (a) accepts SSH with the key and (b) returns from `cloud-init status --wait`; then destroys it
 * all. An ai-how run is `<kind> start --skip-deploy --json` with nothing of the cluster existing
 * (base import included), timed until it returns; with AI_HOW_BENCH_MODES=cold,warm,boot it goes on, in
 * the same run, with a warm start (the running nodes' domains and disks removed with virsh, the
 * network, pool and base volume kept) and a boot of the cluster after `stop` (each timed the same
 * way); then `destroy --force` (untimed). Floor and ai-how
 * alternate (floor, ai-how, ai-how, floor, ...). Markdown on stdout, progress on stderr. Settings
 * (scripts/bench-start-floor-report.ts): AI_HOW_BENCH_KINDS, AI_HOW_BENCH_MODES, AI_HOW_BENCH_NODES, AI_HOW_BENCH_PAIRS,
 * AI_HOW_BENCH_TIMEOUT_S. Exits non-zero when a command fails or times out, or when anything of
 * the clusters is left (the harness's tearDown). Serialise it with the e2e tests:
 *   flock /tmp/ai-how-e2e.lock npm run bench:floor
 */
import assert from 'node:assert/strict'
import {copyFile, mkdir, mkdtemp, readFile, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {ensureGuestImage, ensureHost, inNetns, makeAiHowDirs, repoRoot, runAiHow, tearDown, virsh} from '../test/e2e/harness/index.js'
import type {AiHowDirs, E2eHost, GuestImage} from '../test/e2e/harness/index.js'
import {parseJson, planCluster, writeConfig} from '../test/e2e/hpc/cluster.js'
import type {E2eCluster} from '../test/e2e/hpc/cluster.js'
import {machineNow} from './bench-resume-report.js'
import {floorReport, floorSettings, runOrder} from './bench-start-floor-report.js'
import type {AiHowRun, FloorRun, Kind, KindResult} from './bench-start-floor-report.js'

const settings = floorSettings(process.env)
const timeoutMs = settings.timeoutS * 1000
const log = (line: string): void => { console.error(`[bench:floor ${new Date().toISOString().slice(11, 19)}] ${line}`) }

interface StartJson {
  started: string[]
  network: string
  ssh_ready: {name: string; host: string}[]
  timings: Record<string, unknown>
}

/** What the floor re-creates: ai-how's guests, as ai-how defined them, on files of the bench's own folder (in the daemon's mount namespace). */
interface Capture {
  dir: string
  networkXml: string
  base: string
  key: string
  user: string
  nodes: {name: string; ip: string; xml: string; overlay: string; sizeBytes: number}[]
}

/** Where the daemon's files are: commands run in its mount namespace. */
async function sh(host: E2eHost, script: string): Promise<string> {
  return (await inNetns(host, 'sh', ['-ec', script], {timeoutMs: 600_000})).stdout
}

const q = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`

function configWriter(kind: Kind, c: E2eCluster, image: GuestImage): Promise<void> {
  return kind === 'hpc' ? writeHpcConfig(c, image) : writeCloudConfig(c, image)
}

/** The controller and nodes - 1 running compute nodes; with one node, a compute node only defined (the schema wants one). */
async function writeHpcConfig(c: E2eCluster, image: GuestImage): Promise<void> {
  const computes = Array.from({length: Math.max(1, settings.nodes - 1)}, (_, i) => ({ip: `${c.subnet}.${String(11 + i)}`}))
  await writeConfig(c, image, computes)
  if (settings.nodes > 1) return
  const compute = '    compute_nodes:\n      - cpu_cores: 1\n'
  const text = await readFile(c.config, 'utf8')
  await writeFile(c.config, text.replace(compute, `${compute}        auto_start: false\n`))
}

/** The control plane and nodes - 1 running CPU workers; with one node, a worker only defined. */
async function writeCloudConfig(c: E2eCluster, image: GuestImage): Promise<void> {
  const node = (ipKey: string, ip: string): string[] => ['cpu_cores: 1', 'memory_gb: 1', 'disk_gb: 10', `${ipKey}: ${ip}`, `kernel: ${image.kernel}`, `initrd: ${image.initrd}`, `cmdline: ${JSON.stringify(image.cmdline)}`]
  const item = (lines: string[]): string[] => lines.map((l, i) => `${i === 0 ? '      - ' : '        '}${l}`)
  const workers = Array.from({length: Math.max(1, settings.nodes - 1)}, (_, i) => [...item(node('ip', `${c.subnet}.${String(11 + i)}`)), ...(settings.nodes === 1 ? ['        auto_start: false'] : [])])
  const text = [
    'version: "1.0"', 'metadata:', `  name: ${c.name}`, '  description: ai-how bench floor cloud cluster', 'clusters:', '  cloud:', `    name: ${c.name}`, `    base_image_path: ${image.image}`,
    '    network:', `      subnet: ${c.subnet}.0/24`, `      bridge: br${c.name.slice(-10)}`,
    '    hardware:', '      acceleration:', '        enable_kvm: false',
    '    control_plane:', ...node('ip_address', c.controllerIp).map((l) => `      ${l}`),
    '    worker_nodes:', ...workers.flat(),
    '    kubernetes_config:', '      cni: calico', '      ingress: nginx', '      storage_class: local-path',
    '    ssh:', `      user: ${image.user}`, '',
  ].join('\n')
  await mkdir(c.dir, {recursive: true})
  await writeFile(c.config, text)
}

async function aiHow(host: E2eHost, dirs: AiHowDirs, c: E2eCluster, args: string[]): Promise<{seconds: number; stdout: string}> {
  const start = performance.now()
  const res = await runAiHow(host, [...args, '--state', c.state], {dirs, timeoutMs})
  const seconds = (performance.now() - start) / 1000
  assert.equal(res.exitCode, 0, `ai-how ${args.join(' ')} failed after ${seconds.toFixed(1)} s:\n${res.stdout}\n${res.stderr}`)
  return {seconds, stdout: res.stdout}
}

async function startCold(host: E2eHost, dirs: AiHowDirs, kind: Kind, c: E2eCluster): Promise<{run: AiHowRun; json: StartJson}> {
  const {seconds, stdout} = await aiHow(host, dirs, c, [kind, 'start', c.config, '--skip-deploy', '--json'])
  const json = parseJson(stdout) as StartJson
  assert.equal(json.started.length, settings.nodes, `${kind} start booted every running node`)
  return {run: {seconds, timings: json.timings}, json}
}

/** A start of a cluster that exists in part (warm) or whole (boot): every running node ready again. */
async function startTimed(host: E2eHost, dirs: AiHowDirs, kind: Kind, c: E2eCluster): Promise<AiHowRun> {
  const {seconds, stdout} = await aiHow(host, dirs, c, [kind, 'start', c.config, '--skip-deploy', '--json'])
  const json = parseJson(stdout) as StartJson
  assert.equal(json.ssh_ready.length, settings.nodes, `${kind} start: every running node answered SSH`)
  return {seconds, timings: json.timings}
}

/** Warm: the running nodes' domains and their disks and seeds go (as if never made); network, pool and base volume stay. */
async function removeDomains(host: E2eHost, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await virsh(host, ['destroy', name])
    await virsh(host, ['undefine', name, '--remove-all-storage'])
  }
}

const destroy = (host: E2eHost, dirs: AiHowDirs, kind: Kind, c: E2eCluster): Promise<unknown> => aiHow(host, dirs, c, [kind, 'destroy', c.config, '--force'])

/** Starts the cluster once with ai-how and keeps what the floor needs, then destroys it. */
async function capture(host: E2eHost, dirs: AiHowDirs, kind: Kind, c: E2eCluster, user: string, dir: string): Promise<Capture> {
  const {run, json} = await startCold(host, dirs, kind, c)
  log(`${kind}: first start (capture) ${run.seconds.toFixed(1)} s`)
  await sh(host, `mkdir -p ${q(dir)}`)
  const key = path.join(c.dir, 'floor-key')
  await copyFile(c.privateKey, key)
  const networkXml = (await virsh(host, ['net-dumpxml', '--inactive', json.network])).stdout
  const nodes: Capture['nodes'] = []
  let backing = ''
  for (const name of json.started) {
    const xml = (await virsh(host, ['dumpxml', '--inactive', name])).stdout
    const overlay = /<disk type='file' device='disk'>[\s\S]*?<source file='([^']+)'/.exec(xml)?.[1]
    const seed = /<disk type='file' device='cdrom'>[\s\S]*?<source file='([^']+)'/.exec(xml)?.[1]
    assert.ok(overlay !== undefined && seed !== undefined, `the disk and seed of ${name} in its XML:\n${xml}`)
    const info = JSON.parse(await sh(host, `qemu-img info -U --output=json ${q(overlay)}`)) as {'virtual-size': number; 'full-backing-filename'?: string; 'backing-filename'?: string}
    backing = info['full-backing-filename'] ?? info['backing-filename'] ?? backing
    const floorSeed = `${dir}/${name}-seed.iso`
    await sh(host, `cp ${q(seed)} ${q(floorSeed)}`)
    const floorOverlay = `${dir}/${name}.qcow2`
    const ip = json.ssh_ready.find((r) => r.name === name)?.host ?? ''
    const floorXml = xml.replaceAll(overlay, floorOverlay).replaceAll(seed, floorSeed).replace(/<backingStore[\s\S]*?<\/backingStore>|<backingStore\/>/g, '')
    nodes.push({name, ip, xml: floorXml, overlay: floorOverlay, sizeBytes: info['virtual-size']})
  }
  assert.ok(backing !== '', 'the overlays name their base volume')
  const base = `${dir}/base.qcow2`
  await sh(host, `cp ${q(backing)} ${q(base)}`)
  await destroy(host, dirs, kind, c)
  return {dir, networkXml, base, key, user, nodes}
}

/** One floor boot: untimed network and overlays, timed `virsh create` until SSH (a) and cloud-init done (b), then all removed. */
async function floorRun(host: E2eHost, cap: Capture, work: string): Promise<FloorRun> {
  const netFile = path.join(work, 'floor-net.xml')
  await writeFile(netFile, cap.networkXml)
  const netName = /<name>([^<]+)<\/name>/.exec(cap.networkXml)?.[1] ?? ''
  await virsh(host, ['net-create', netFile])
  const files: string[] = []
  try {
    for (const n of cap.nodes) {
      await sh(host, `rm -f ${q(n.overlay)}; qemu-img create -q -f qcow2 -F qcow2 -b ${q(cap.base)} ${q(n.overlay)} ${String(n.sizeBytes)}`)
      const file = path.join(work, `${n.name}.xml`)
      await writeFile(file, n.xml)
      files.push(file)
    }
    const probeArgs = ['--import', 'tsx', path.join(repoRoot, 'scripts', 'bench-start-floor-probe.ts'), '--hosts', cap.nodes.map((n) => n.ip).join(','), '--user', cap.user, '--key', cap.key, '--timeout-ms', String(timeoutMs)]
    const t0 = Date.now()
    const probe = inNetns(host, process.execPath, probeArgs, {cwd: repoRoot, timeoutMs: timeoutMs + 60_000, reject: false})
    await Promise.all(files.map((f) => virsh(host, ['create', f])))
    const res = await probe
    const results = JSON.parse(res.stdout.trim().split('\n').at(-1) ?? '[]') as {host: string; sshAt: number | null; doneAt: number | null; exitCode: number | null; lastError: string}[]
    assert.equal(res.exitCode, 0, `floor: every node finished cloud-init: ${JSON.stringify(results)} ${res.stderr}`)
    const worst = (k: 'sshAt' | 'doneAt'): number => Math.max(...results.map((r) => (r[k] ?? Number.NaN) - t0)) / 1000
    return {ssh: worst('sshAt'), cloudInit: worst('doneAt')}
  } finally {
    for (const n of cap.nodes) await virsh(host, ['destroy', n.name], {reject: false})
    await virsh(host, ['net-destroy', netName], {reject: false})
    await sh(host, `rm -f ${cap.nodes.map((n) => q(n.overlay)).join(' ')}`)
  }
}

/** The floor's folder, as libvirtd sees it (its name holds the cluster's: the leftovers check finds it). */
const floorDir = (c: E2eCluster): string => `/var/lib/libvirt/images/floor-${c.name}`

async function benchKind(host: E2eHost, dirs: AiHowDirs, kind: Kind, c: E2eCluster, image: GuestImage, work: string): Promise<KindResult> {
  await configWriter(kind, c, image)
  const cap = await capture(host, dirs, kind, c, image.user, floorDir(c))
  const result: KindResult = {kind, floor: [], aiHow: []}
  for (const [i, side] of runOrder(settings.pairs).entries()) {
    if (side === 'floor') {
      const f = await floorRun(host, cap, work)
      result.floor.push(f)
      log(`${kind} ${String(i + 1)}: floor (a) ${f.ssh.toFixed(1)} s, (b) ${f.cloudInit.toFixed(1)} s`)
    } else {
      const {run, json} = await startCold(host, dirs, kind, c)
      result.aiHow.push(run)
      log(`${kind} ${String(i + 1)}: ai-how ${run.seconds.toFixed(1)} s; timings ${JSON.stringify({...run.timings, nodes: undefined})}`)
      if (settings.modes.includes('warm')) {
        await removeDomains(host, json.started)
        const warm = await startTimed(host, dirs, kind, c)
        ;(result.warm ??= []).push(warm)
        log(`${kind} ${String(i + 1)}: ai-how warm ${warm.seconds.toFixed(1)} s; timings ${JSON.stringify({...warm.timings, nodes: undefined})}`)
      }
      if (settings.modes.includes('boot')) {
        await aiHow(host, dirs, c, [kind, 'stop', c.config])
        const boot = await startTimed(host, dirs, kind, c)
        ;(result.boot ??= []).push(boot)
        log(`${kind} ${String(i + 1)}: ai-how boot of the stopped cluster ${boot.seconds.toFixed(1)} s; timings ${JSON.stringify({...boot.timings, nodes: undefined})}`)
      }
      await destroy(host, dirs, kind, c)
    }
  }
  return result
}

async function main(): Promise<void> {
  const load = machineNow().load
  let host: E2eHost | undefined
  let dirs: AiHowDirs | undefined
  let work: string | undefined
  const clusters: {kind: Kind; c: E2eCluster}[] = []
  const kinds: KindResult[] = []
  try {
    host = await ensureHost()
    const image = await ensureGuestImage()
    dirs = await makeAiHowDirs('ai-how-bench-floor-')
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-bench-floor-work-'))
    for (const kind of settings.kinds) {
      const c = planCluster(path.join(work, kind), `floor${kind === 'hpc' ? 'h' : 'c'}`)
      clusters.push({kind, c})
      kinds.push(await benchKind(host, dirs, kind, c, image, work))
    }
  } catch (error) {
    // The tear-down's own failure (leftovers) would hide it.
    log(`FAILED: ${error instanceof Error ? error.stack ?? error.message : String(error)}`)
    throw error
  } finally {
    const [d, h] = [dirs, host]
    if (h !== undefined) for (const {c} of clusters) await sh(h, `rm -rf ${q(floorDir(c))}`).catch((e: unknown) => { log(`could not remove ${floorDir(c)}: ${String(e)}`) })
    await tearDown({
      host, dirs, work,
      clusters: () => (d === undefined || h === undefined ? [] : clusters.map(({kind, c}) => ({name: c.name, destroy: () => destroy(h, d, kind, c)}))),
    })
  }
  const now = machineNow()
  console.log(floorReport({settings, machine: {cpus: now.cpus, memoryGiB: now.memoryGiB, loadBefore: load, loadAfter: now.load}, kinds}))
}

await main()
