// Issue 11 §2, the cloud half of crash-safety on a real libvirtd: `kill -9` of `cloud start
// --skip-deploy` while it creates the nodes, then while it waits for SSH (the control plane runs;
// both workers are only defined: auto_start false), each resuming what the killed one left. The phase
// is seen in start's plain progress lines. After each kill `cloud status --json` (exit 0) says what
// libvirt has; no start completed, so no state entry was written, and `cloud destroy --force` finds
// everything by its ownership metadata: no domain, volume, seed, pool, network, lock file or
// known_hosts entry is left. No guest boots to the end (about 15 s).
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {mkdtemp, readFile, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {ensureGuestImage, ensureHost, makeAiHowDirs, runAiHow, spawnAiHow, tearDown, virsh, virshNames} from './harness/index.js'
import type {AiHowDirs, CmdResult, E2eHost} from './harness/index.js'
import {cloudVms, readCloudState, writeCloudConfig} from './cloud/cluster.js'
import {parseJson, planCluster} from './hpc/cluster.js'
import type {E2eCluster} from './hpc/cluster.js'
import {assertNothingLeft as nothingLeft} from './hpc/nothing-left.js'

interface Status {
  status: string
  recorded_status: string | null
  network: {exists: boolean}
  pool: {exists: boolean}
  nodes: {name: string; state: string}[]
}

void describe('crash-safety of cloud start and destroy --force on a real libvirtd', {timeout: 15 * 60_000}, () => {
  let host: E2eHost | undefined
  let dirs: AiHowDirs | undefined
  let c: E2eCluster
  let work: string | undefined
  const aiHow = async (args: string[]): Promise<CmdResult> => {
    assert.ok(host && dirs)
    return runAiHow(host, [...args, '--state', c.state], {dirs, timeoutMs: 10 * 60_000})
  }
  const show = (r: CmdResult): string => `exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`
  const lockFile = (): string => `${c.state}.cloud_cluster.lock`

  /** Runs `cloud start --skip-deploy` until its stderr shows `phase`, then kills it with SIGKILL. */
  async function startKilledIn(phase: string): Promise<void> {
    assert.ok(host && dirs)
    const child = spawnAiHow(host, ['cloud', 'start', c.config, '--skip-deploy', '--state', c.state], {dirs})
    let stderr = ''
    const ended = {now: false}
    child.onStderr((text) => { stderr += text })
    void child.result.then(() => { ended.now = true })
    while (!stderr.includes(phase)) {
      if (ended.now) assert.fail(`cloud start ended before "${phase}":\n${show(await child.result)}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    child.kill('SIGKILL')
    assert.notEqual((await child.result).exitCode, 0)
  }

  /** Each VM's libvirt state ('absent' when not defined), the network and the pool. */
  async function libvirtView(): Promise<{network: boolean; pool: boolean; domains: Map<string, string>}> {
    assert.ok(host)
    const defined = await virshNames(host, ['list', '--all', '--name'])
    const domains = new Map<string, string>()
    for (const name of cloudVms(c)) domains.set(name, defined.includes(name) ? (await virsh(host, ['domstate', name])).stdout.trim().replace(' ', '') : 'absent')
    return {
      network: (await virshNames(host, ['net-list', '--all', '--name'])).includes(`${c.name}-network`),
      pool: (await virshNames(host, ['pool-list', '--all', '--name'])).includes(`${c.name}-pool`),
      domains,
    }
  }

  /** `cloud status --json` (exit 0) agrees with libvirt, read just before and after it; no state entry. */
  async function statusTellsTruth(): Promise<Status> {
    const before = await libvirtView()
    const r = await aiHow(['cloud', 'status', c.config, '--json'])
    assert.equal(r.exitCode, 0, show(r))
    const after = await libvirtView()
    const s = parseJson(r.stdout) as Status
    assert.ok([before.network, after.network].includes(s.network.exists), `network: status ${String(s.network.exists)}`)
    assert.ok([before.pool, after.pool].includes(s.pool.exists), `pool: status ${String(s.pool.exists)}`)
    assert.deepEqual(s.nodes.map((n) => n.name).sort(), cloudVms(c).sort())
    for (const node of s.nodes) {
      const seen = [before.domains.get(node.name), after.domains.get(node.name)]
      assert.ok(seen.includes(node.state), `${node.name}: status says ${node.state}, libvirt ${seen.join(' then ')}`)
    }
    assert.equal(s.recorded_status, null, 'no start completed: no state entry')
    if (existsSync(c.state)) assert.equal((await readCloudState(c)).entry, undefined)
    return s
  }

  before(async () => {
    host = await ensureHost()
    const image = await ensureGuestImage()
    dirs = await makeAiHowDirs()
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-cloud-crash-'))
    c = planCluster(work, 'ccrash')
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
    await startKilledIn('cloud-init seed')
    await statusTellsTruth()
    assert.ok(existsSync(lockFile()), 'the killed start left its lock (the next command takes it over)')
    await startKilledIn('Wait for SSH')
    const s = await statusTellsTruth()
    assert.equal(s.nodes.find((n) => n.name === `${c.name}-control-plane`)?.state, 'running')
    for (const worker of [`${c.name}-cpu-worker-01`, `${c.name}-gpu-worker-01`]) assert.equal(s.nodes.find((n) => n.name === worker)?.state, 'shutoff', `${worker} is defined, not started`)
    assert.ok((await readFile(c.knownHosts, 'utf8')).includes(c.controllerIp), 'the control plane\'s host key is in the cluster\'s known_hosts (written before the boot)')
    t.diagnostic(`two killed starts and their status: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  })

  void it('cloud destroy --force finds everything by ownership (no state entry was written): nothing is left', async (t) => {
    assert.ok(host)
    const t0 = performance.now()
    const destroy = await aiHow(['cloud', 'destroy', c.config, '--force', '--json'])
    t.diagnostic(`destroy --force: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    assert.equal(destroy.exitCode, 0, show(destroy))
    assert.ok(!existsSync(lockFile()), 'no lock file')
    await nothingLeft(host, c)
  })
})
