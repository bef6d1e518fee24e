// A start that fails midway, on a real libvirtd: an existing hpc cluster (its controller runs) grows
// by a compute node that never answers SSH. The failed run removes exactly what it created (the new
// domain, its disk and seed, its DHCP reservation) and leaves the existing cluster's objects and its
// state entry untouched. A real Ctrl+C (SIGINT to the ai-how process) while a new node boots does
// the same. A node whose image is missing is refused before anything is touched.
import assert from 'node:assert/strict'
import {mkdtemp} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {ensureGuestImage, ensureHost, findLeftovers, makeAiHowDirs, runAiHow, spawnAiHow, sshRun, tearDown, virsh, virshNames} from './harness/index.js'
import type {AiHowDirs, E2eHost, GuestImage} from './harness/index.js'
import {parseJson, planCluster, readState, writeConfig} from './hpc/cluster.js'
import type {E2eCluster} from './hpc/cluster.js'

const seconds = (start: number): string => ((performance.now() - start) / 1000).toFixed(1)

/** Everything libvirt holds of the cluster, as comparable text (domains with UUID and state, network XML, pool volumes). */
async function snapshot(host: E2eHost, c: E2eCluster): Promise<string[]> {
  const out: string[] = []
  for (const d of (await virshNames(host, ['list', '--all', '--name'])).filter((n) => n.includes(c.name))) {
    out.push(`domain ${d} ${(await virsh(host, ['domuuid', d])).stdout.trim()} ${(await virsh(host, ['domstate', d])).stdout.trim()}`)
  }
  // The live network (with its DHCP reservations), less the runtime count of attached interfaces.
  out.push((await virsh(host, ['net-dumpxml', `${c.name}-network`])).stdout.replace(/ connections='\d+'/, ''))
  out.push(...(await virshNames(host, ['vol-list', '--pool', `${c.name}-pool`])).slice(2).map((v) => `volume ${v}`))
  return out
}

void describe('hpc start that fails midway, on a real libvirtd', {timeout: 30 * 60_000}, () => {
  let host: E2eHost | undefined
  let image: GuestImage
  let dirs: AiHowDirs | undefined
  let c: E2eCluster
  let work: string | undefined
  let before1: string[] = []
  let stateBefore = ''
  const aiHow = async (args: string[]): Promise<{exitCode: number; stdout: string; stderr: string}> => {
    assert.ok(host && dirs)
    return runAiHow(host, [...args, '--state', c.state], {dirs, timeoutMs: 20 * 60_000})
  }

  before(async () => {
    host = await ensureHost()
    image = await ensureGuestImage()
    dirs = await makeAiHowDirs()
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-hpcfail-'))
    c = planCluster(work, 'fail')
    await writeConfig(c, image, [{ip: `${c.subnet}.11`}])
    const start = performance.now()
    const res = await aiHow(['hpc', 'start', c.config, '--skip-deploy', '--json'])
    assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`)
    console.error(`# existing cluster (controller + 1 compute) started in ${seconds(start)} s`)
    before1 = await snapshot(host, c)
    stateBefore = (await readState(c)).text
  })

  after(async () => {
    await tearDown({host, dirs, work, clusters: () => [{name: c.name, destroy: () => aiHow(['hpc', 'destroy', c.config, '--force'])}]})
  })

  void it('a new node that never answers SSH: its objects are removed, the existing cluster and its state entry are untouched', async (t) => {
    assert.ok(host)
    // compute-02 boots a kernel that cannot find its root disk: it never answers SSH.
    await writeConfig(c, image, [{ip: `${c.subnet}.11`}, {ip: `${c.subnet}.12`, cmdline: 'root=/dev/vdz rw console=ttyS0 rootdelay=1'}])
    const start = performance.now()
    const res = await aiHow(['hpc', 'start', c.config, '--skip-deploy', '--ssh-timeout', '45', '--json'])
    t.diagnostic(`failed start (45 s SSH deadline) and rollback: ${seconds(start)} s`)
    assert.equal(res.exitCode, 1, `${res.stdout}\n${res.stderr}`)
    const error = parseJson(res.stdout) as {code: string; message: string}
    assert.equal(error.code, 'SSH_TIMEOUT', error.message)
    assert.match(error.message, new RegExp(`${c.subnet.replaceAll('.', '\\.')}\\.12`))
    assert.deepEqual(await snapshot(host, c), before1)
    assert.equal((await readState(c)).text, stateBefore)
    assert.deepEqual((await findLeftovers(host, `${c.name}-compute-02`)), [])
    // And the existing VMs still serve.
    const probe = await sshRun(host, {ip: c.controllerIp, user: image.user, privateKeyPath: c.privateKey}, 'hostname', 60_000)
    assert.equal(probe.stdout.trim(), `${c.name}-controller`)
  })

  void it('Ctrl+C (a real SIGINT) while a new node boots: its objects are removed, the existing cluster and its state entry are untouched', async (t) => {
    assert.ok(host && dirs)
    const newNode = `${c.name}-compute-02`
    await writeConfig(c, image, [{ip: `${c.subnet}.11`}, {ip: `${c.subnet}.12`}])
    const start = performance.now()
    const child = spawnAiHow(host, ['hpc', 'start', c.config, '--skip-deploy', '--state', c.state], {dirs})
    let stderr = ''
    const waiting = new Promise<boolean>((resolve) => {
      child.onStderr((text) => {
        stderr += text
        if (stderr.includes('Wait for SSH')) resolve(true)
      })
      void child.result.then(() => { resolve(false) })
    })
    assert.ok(await waiting, `start never reached the SSH wait:\n${stderr}`)
    const domainsThen = await virshNames(host, ['list', '--all', '--name'])
    assert.ok(domainsThen.includes(newNode), `${newNode} is defined when Ctrl+C comes`)
    child.kill('SIGINT')
    const res = await child.result
    t.diagnostic(`start interrupted and rolled back in ${seconds(start)} s`)
    assert.equal(res.exitCode, 1, `${res.stdout}\n${res.stderr}`)
    assert.match(res.stderr, /Interrupted \(Ctrl\+C\)/)
    assert.match(res.stderr, /removed/)
    assert.deepEqual(await snapshot(host, c), before1)
    assert.equal((await readState(c)).text, stateBefore)
    assert.deepEqual(await findLeftovers(host, newNode), [])
  })

  void it('a new node whose image is missing is refused with exit 2 before anything is created', async () => {
    assert.ok(host)
    await writeConfig(c, image, [{ip: `${c.subnet}.11`}, {ip: `${c.subnet}.12`, image: path.join(c.dir, 'missing.qcow2')}])
    const res = await aiHow(['hpc', 'start', c.config, '--skip-deploy', '--json'])
    assert.equal(res.exitCode, 2, `${res.stdout}\n${res.stderr}`)
    const error = parseJson(res.stdout) as {code: string; message: string}
    assert.equal(error.code, 'IMAGE_NOT_FOUND')
    assert.match(error.message, /missing\.qcow2/)
    assert.deepEqual(await snapshot(host, c), before1)
    assert.equal((await readState(c)).text, stateBefore)
  })
})
