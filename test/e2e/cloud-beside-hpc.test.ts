// A cloud and an hpc cluster side by side in one state file, on a real libvirtd: a cloud start whose
// deploy fails names the failing task, host and log, and rolls back only its own objects (the hpc
// cluster runs on, its entry byte for byte the same); a cloud cluster started next to it and then
// destroyed leaves the hpc cluster running with its entry intact; `hpc destroy` answered "n" on a
// terminal removes nothing (exit 0).
import assert from 'node:assert/strict'
import {mkdtemp, readFile, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {e2eDir, ensureGuestImage, ensureHost, findLeftovers, makeAiHowDirs, runAiHow, tearDown, virsh} from './harness/index.js'
import type {AiHowDirs, E2eHost, GuestImage} from './harness/index.js'
import {cloudVms, writeCloudConfig} from './cloud/cluster.js'
import {parseJson, planCluster} from './hpc/cluster.js'
import type {E2eCluster} from './hpc/cluster.js'

const seconds = (start: number): string => ((performance.now() - start) / 1000).toFixed(1)

/** An hpc cluster of one running controller and one defined compute node (auto_start: false), nothing deployed. */
async function writeHpcConfig(c: E2eCluster, image: GuestImage): Promise<void> {
  const node = (ipKey: string, ip: string): string[] => ['cpu_cores: 1', 'memory_gb: 1', 'disk_gb: 10', `${ipKey}: ${ip}`, `kernel: ${image.kernel}`, `initrd: ${image.initrd}`, `cmdline: ${JSON.stringify(image.cmdline)}`]
  const text = [
    'version: "1.0"', 'metadata:', `  name: ${c.name}`, '  description: ai-how e2e hpc cluster next to a cloud one',
    'clusters:', '  hpc:', `    name: ${c.name}`, `    base_image_path: ${image.image}`,
    '    network:', `      subnet: ${c.subnet}.0/24`, `      bridge: br${c.name.slice(-10)}`,
    '    hardware:', '      acceleration:', '        enable_kvm: false',
    '    controller:', ...node('ip_address', c.controllerIp).map((l) => `      ${l}`),
    '    compute_nodes:', ...[...node('ip', `${c.subnet}.11`), 'auto_start: false'].map((l, i) => `${i === 0 ? '      - ' : '        '}${l}`),
    '    slurm_config:', '      partitions: [compute]', '      default_partition: compute',
    '    ssh:', `      user: ${image.user}`, '',
  ].join('\n')
  await writeFile(c.config, text)
}

void describe('a cloud cluster beside an hpc cluster in one state file', {timeout: 45 * 60_000}, () => {
  let host: E2eHost | undefined
  let image: GuestImage
  let dirs: AiHowDirs | undefined
  let work: string | undefined
  let hpc: E2eCluster
  let cloud: E2eCluster
  const aiHow = async (args: string[], terminalInput?: string): Promise<{exitCode: number; stdout: string; stderr: string}> => {
    assert.ok(host && dirs)
    return runAiHow(host, [...args, '--state', hpc.state], {dirs, timeoutMs: 20 * 60_000, ...(terminalInput === undefined ? {} : {terminalInput})})
  }
  const hpcEntry = async (): Promise<string> => JSON.stringify((JSON.parse(await readFile(hpc.state, 'utf8')) as {hpc_cluster?: unknown}).hpc_cluster)

  before(async () => {
    host = await ensureHost()
    image = await ensureGuestImage()
    dirs = await makeAiHowDirs()
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-side-'))
    hpc = planCluster(work, 'hside')
    // The same output folder (one state file), another name and subnet.
    cloud = {...planCluster(work, 'cside'), state: hpc.state, output: hpc.output}
    cloud.privateKey = path.join(cloud.output, 'keys', cloud.name, 'id_ed25519')
    await writeHpcConfig(hpc, image)
    await writeCloudConfig(cloud, image, path.join(e2eDir, 'playbooks', 'fail-on-workers.yml'))
  })

  after(async () => {
    await tearDown({host, dirs, work, clusters: () => [
      {name: cloud.name, destroy: () => aiHow(['cloud', 'destroy', cloud.config, '--force'])},
      {name: hpc.name, destroy: () => aiHow(['hpc', 'destroy', hpc.config, '--force'])},
    ]})
  })

  void it('hpc start --skip-deploy: the controller runs, the compute node is defined', async (t) => {
    assert.ok(host)
    const start = performance.now()
    const res = await aiHow(['hpc', 'start', hpc.config, '--skip-deploy', '--json'])
    t.diagnostic(`hpc start (1 TCG guest + 1 defined): ${seconds(start)} s`)
    assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`)
    assert.equal((await virsh(host, ['domstate', `${hpc.name}-controller`])).stdout.trim(), 'running')
  })

  void it('a cloud start whose deploy fails names the task, host and log, and rolls back only its own objects', async (t) => {
    assert.ok(host)
    const before = await readFile(hpc.state, 'utf8')
    const start = performance.now()
    const res = await aiHow(['cloud', 'start', cloud.config])
    t.diagnostic(`cloud start with a failing deploy, rolled back: ${seconds(start)} s`)
    assert.equal(res.exitCode, 1, `${res.stdout}\n${res.stderr}`)
    assert.match(res.stderr, new RegExp(`task "ai-how e2e failing task" failed on ${cloud.name}-cpu-worker-01: the e2e deploy fails here on purpose`))
    assert.match(res.stderr, new RegExp(`${path.join(cloud.output, 'logs', cloud.name).replaceAll('/', '\\/')}\\/deploy-\\S+\\.log`))
    assert.deepEqual(await findLeftovers(host, cloud.name), [])
    assert.equal(await readFile(hpc.state, 'utf8'), before, 'the state file is as it was: the hpc entry intact, no cloud entry')
    assert.equal((await virsh(host, ['domstate', `${hpc.name}-controller`])).stdout.trim(), 'running')
  })

  void it('a cloud cluster started beside it and destroyed leaves the hpc cluster running and its entry intact', async (t) => {
    assert.ok(host)
    const hpcBefore = await hpcEntry()
    const start = performance.now()
    const res = await aiHow(['cloud', 'start', cloud.config, '--skip-deploy', '--json'])
    t.diagnostic(`cloud start --skip-deploy beside the hpc cluster: ${seconds(start)} s`)
    assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`)
    assert.deepEqual([...(parseJson(res.stdout) as {created: string[]}).created].sort(), [...cloudVms(cloud)].sort())
    const both = JSON.parse(await readFile(hpc.state, 'utf8')) as {hpc_cluster?: unknown; cloud_cluster?: {status: string}}
    assert.equal(both.cloud_cluster?.status, 'running')
    assert.equal(await hpcEntry(), hpcBefore)
    const destroyed = await aiHow(['cloud', 'destroy', cloud.config, '--force', '--json'])
    assert.equal(destroyed.exitCode, 0, destroyed.stderr)
    assert.deepEqual(await findLeftovers(host, cloud.name), [])
    const after = JSON.parse(await readFile(hpc.state, 'utf8')) as {cloud_cluster?: unknown}
    assert.equal(after.cloud_cluster, undefined)
    assert.equal(await hpcEntry(), hpcBefore)
    assert.equal((await virsh(host, ['domstate', `${hpc.name}-controller`])).stdout.trim(), 'running')
  })

  void it('hpc destroy answered "n" on a terminal removes nothing and exits 0; --force then removes everything', async () => {
    assert.ok(host)
    const before = await readFile(hpc.state, 'utf8')
    const declined = await aiHow(['hpc', 'destroy', hpc.config], 'n\n')
    assert.equal(declined.exitCode, 0, declined.stdout)
    assert.match(declined.stdout, /Destroy hpc cluster \S+ and everything ai-how created for it\? \[y\/N\]/)
    assert.match(declined.stdout, /Destroy cancelled: nothing was removed\./)
    assert.equal(await readFile(hpc.state, 'utf8'), before)
    assert.equal((await virsh(host, ['domstate', `${hpc.name}-controller`])).stdout.trim(), 'running')
    const refused = await aiHow(['hpc', 'destroy', hpc.config])
    assert.equal(refused.exitCode, 2, 'no terminal and no --force')
    assert.match(refused.stderr, /--force/)
    const res = await aiHow(['hpc', 'destroy', hpc.config, '--force'])
    assert.equal(res.exitCode, 0, res.stderr)
    assert.deepEqual(await findLeftovers(host, hpc.name), [])
  })
})
