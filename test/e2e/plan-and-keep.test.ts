// `ai-how plan` conflicts and `hpc start --keep-on-failure` on a real libvirtd, with one small
// cluster (a controller that boots; its one compute node is defined with auto_start: false):
// 1. a network of the cluster's name defined by hand with virsh (not ai-how's) is a conflict in
//    `plan` (exit 0), and `hpc start` refuses it (NETWORK_FOREIGN, exit 1) before creating anything;
// 2. once it is gone, a start whose deploy playbook fails with --keep-on-failure leaves the VMs for
//    inspection (running, reachable over SSH, recorded as failed with what was left behind), and
//    `hpc destroy --force` then removes everything.
import assert from 'node:assert/strict'
import {mkdtemp, readFile, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {ensureGuestImage, ensureHost, findLeftovers, makeAiHowDirs, runAiHow, sshRun, tearDown, virsh} from './harness/index.js'
import type {AiHowDirs, E2eHost, GuestImage} from './harness/index.js'
import {parseJson, planCluster, readState, writeConfig} from './hpc/cluster.js'
import type {E2eCluster} from './hpc/cluster.js'

const seconds = (start: number): string => ((performance.now() - start) / 1000).toFixed(1)

interface PlanItem {
  object: string
  name: string
  action: string
  reason: string
}

const FAILING_PLAYBOOK = `- name: ai-how e2e, an hpc deploy that fails
  hosts: all
  gather_facts: false
  tasks:
    - name: ai-how e2e failing task
      ansible.builtin.fail:
        msg: the e2e deploy fails here on purpose
`

void describe('plan conflicts and --keep-on-failure on a real libvirtd', {timeout: 30 * 60_000}, () => {
  let host: E2eHost | undefined
  let image: GuestImage
  let dirs: AiHowDirs | undefined
  let c: E2eCluster
  let work: string | undefined
  const aiHow = async (args: string[]): Promise<{exitCode: number; stdout: string; stderr: string}> => {
    assert.ok(host && dirs)
    return runAiHow(host, [...args, '--state', c.state], {dirs, timeoutMs: 20 * 60_000})
  }
  const show = (r: {exitCode: number; stdout: string; stderr: string}): string => `exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`

  before(async () => {
    host = await ensureHost()
    image = await ensureGuestImage()
    dirs = await makeAiHowDirs()
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-keep-'))
    c = planCluster(work, 'keep')
    await writeConfig(c, image, [{ip: `${c.subnet}.11`}])
    // Only the controller boots (one guest); the deploy playbook fails on it.
    const playbook = path.join(work, 'fail.yml')
    await writeFile(playbook, FAILING_PLAYBOOK)
    const text = (await readFile(c.config, 'utf8'))
      .replace(`ip: ${c.subnet}.11\n`, `ip: ${c.subnet}.11\n        auto_start: false\n`)
      .replace(/playbook: .*\n/, `playbook: ${playbook}\n`)
    assert.match(text, /auto_start: false/)
    await writeFile(c.config, text)
  })

  after(async () => {
    // The hand-made network of the first test, should that test have stopped before removing it.
    if (host !== undefined && dirs !== undefined) await virsh(host, ['net-undefine', `${c.name}-network`], {reject: false})
    await tearDown({host, dirs, work, clusters: () => [{name: c.name, destroy: () => aiHow(['hpc', 'destroy', c.config, '--force'])}]})
  })

  void it('a network of the cluster\'s name made by hand is a conflict in plan, and start refuses it before creating anything', async () => {
    assert.ok(host && work)
    const foreign = path.join(work, 'foreign-network.xml')
    await writeFile(foreign, `<network><name>${c.name}-network</name><bridge name='brf${c.name.slice(-8)}'/></network>\n`)
    const defined = await virsh(host, ['net-define', foreign])
    assert.equal(defined.exitCode, 0, defined.stderr)

    const plan = await aiHow(['plan', c.config, '--json'])
    assert.equal(plan.exitCode, 0, show(plan))
    const [report] = (JSON.parse(plan.stdout) as {clusters: {items: PlanItem[]}[]}).clusters
    const items = report?.items ?? []
    assert.deepEqual(items.filter((i) => i.action !== 'create').map((i) => `${i.action} ${i.object} ${i.name}: ${i.reason}`), [
      `conflict network ${c.name}-network: exists, not created by ai-how: start refuses it`,
    ])
    assert.deepEqual(items.filter((i) => i.object === 'domain').map((i) => i.name), [`${c.name}-controller`, `${c.name}-compute-01`])

    const start = await aiHow(['hpc', 'start', c.config, '--json'])
    assert.equal(start.exitCode, 1, show(start))
    const error = parseJson(start.stdout) as {code: string; message: string}
    assert.equal(error.code, 'NETWORK_FOREIGN', error.message)
    assert.match(error.message, new RegExp(`the libvirt network ${c.name}-network `))
    // Nothing created: what is there is the hand-made network (and libvirt's file of its definition).
    const left = await findLeftovers(host, c.name)
    assert.deepEqual(left.filter((l) => !l.startsWith('file ')), [`network ${c.name}-network`])
    for (const file of left.filter((l) => l.startsWith('file '))) assert.ok(file.endsWith(`/${c.name}-network.xml`), file)
    assert.match((await virsh(host, ['net-dumpxml', `${c.name}-network`])).stdout, new RegExp(`<bridge name='brf${c.name.slice(-8)}'`), 'untouched')

    assert.equal((await virsh(host, ['net-undefine', `${c.name}-network`])).exitCode, 0)
    assert.deepEqual(await findLeftovers(host, c.name), [])
  })

  void it('--keep-on-failure: a start whose deploy fails keeps the VMs for inspection; destroy removes everything', async (t) => {
    assert.ok(host)
    const t0 = performance.now()
    const start = await aiHow(['hpc', 'start', c.config, '--keep-on-failure', '--json'])
    t.diagnostic(`hpc start --keep-on-failure (deploy fails): ${seconds(t0)} s`)
    assert.equal(start.exitCode, 1, show(start))
    const error = parseJson(start.stdout) as {code: string; message: string; actions: string[]}
    assert.equal(error.code, 'DEPLOY_FAILED', error.message)
    assert.match(error.message, /ai-how e2e failing task/)

    // Kept: the controller runs and answers SSH with the cluster key; compute-01 is defined, not started.
    assert.equal((await virsh(host, ['domstate', `${c.name}-controller`])).stdout.trim(), 'running')
    assert.equal((await virsh(host, ['domstate', `${c.name}-compute-01`])).stdout.trim(), 'shut off')
    const probe = await sshRun(host, {ip: c.controllerIp, user: image.user, privateKeyPath: c.privateKey}, 'hostname', 60_000)
    assert.ok(probe.connected, probe.lastError)
    assert.equal(probe.stdout.trim(), `${c.name}-controller`)
    const {entry} = await readState(c)
    assert.equal(entry?.status, 'failed')
    const leftBehind = entry.left_behind as string[]
    for (const object of [`network ${c.name}-network`, `pool ${c.name}-pool`, `domain ${c.name}-controller`, `domain ${c.name}-compute-01`]) {
      assert.ok(leftBehind.includes(object), `${object} in left_behind: ${leftBehind.join(', ')}`)
    }
    const leftovers = await findLeftovers(host, c.name)
    for (const object of [`domain ${c.name}-controller`, `domain ${c.name}-compute-01`, `network ${c.name}-network`, `pool ${c.name}-pool`]) {
      assert.ok(leftovers.includes(object), `${object} still there: ${leftovers.join(', ')}`)
    }

    const destroy = await aiHow(['hpc', 'destroy', c.config, '--force', '--json'])
    assert.equal(destroy.exitCode, 0, show(destroy))
    assert.deepEqual(await findLeftovers(host, c.name), [])
    assert.equal((await readState(c)).entry, undefined)
  })
})
