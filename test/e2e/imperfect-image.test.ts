// An ordinary imperfect guest image, on a real libvirtd: the `plain-locale-fail` variant of the test
// image, whose cloud-init reports one failed module (locale: update-locale exits 255) while SSH, the
// user, its key, sudo and the hostname work. By default start checks what ai-how needs, warns
// naming the module and the log on the VM, and goes on; with --strict-cloud-init the failure fails
// the start, which rolls back and leaves nothing. One booted VM per mode (the compute node is only
// defined: auto_start: false).
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {mkdtemp, readFile, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {ensureGuestImage, ensureHost, findLeftovers, makeAiHowDirs, runAiHow, sshRun, tearDown} from './harness/index.js'
import type {AiHowDirs, E2eHost, GuestImage} from './harness/index.js'
import {parseJson, planCluster, readState, writeConfig} from './hpc/cluster.js'
import type {E2eCluster} from './hpc/cluster.js'

const seconds = (start: number): string => ((performance.now() - start) / 1000).toFixed(1)

/** A controller that boots and a compute node that is only defined (auto_start: false). */
async function writeOneVmConfig(c: E2eCluster, image: GuestImage): Promise<void> {
  await writeConfig(c, image, [{ip: `${c.subnet}.11`}])
  const text = await readFile(c.config, 'utf8')
  const compute = '    compute_nodes:\n      - cpu_cores: 1\n'
  assert.ok(text.includes(compute), text)
  await writeFile(c.config, text.replace(compute, `${compute}        auto_start: false\n`))
}

void describe('hpc start on an image whose cloud-init reports a failed module, on a real libvirtd', {timeout: 30 * 60_000}, () => {
  let host: E2eHost | undefined
  let image: GuestImage
  let dirs: AiHowDirs | undefined
  let work: string | undefined
  const clusters: E2eCluster[] = []
  const aiHow = async (c: E2eCluster, args: string[]): Promise<{exitCode: number; stdout: string; stderr: string}> => {
    assert.ok(host && dirs)
    return runAiHow(host, [...args, '--state', c.state], {dirs, timeoutMs: 20 * 60_000})
  }
  const newCluster = async (tag: string): Promise<E2eCluster> => {
    assert.ok(work)
    const c = planCluster(path.join(work, tag), tag)
    clusters.push(c)
    await writeOneVmConfig(c, image)
    return c
  }

  before(async () => {
    host = await ensureHost()
    image = await ensureGuestImage('plain-locale-fail')
    dirs = await makeAiHowDirs()
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-imperfect-'))
  })

  after(async () => {
    await tearDown({host, dirs, work, clusters: () => clusters.map((c) => ({name: c.name, destroy: () => aiHow(c, ['hpc', 'destroy', c.config, '--force'])}))})
  })

  void it('by default: start succeeds with a warning naming the failed module and the log on the VM; the guest is reachable', async (t) => {
    assert.ok(host)
    const c = await newCluster('ciwarn')
    const controller = `${c.name}-controller`
    const start = performance.now()
    const res = await aiHow(c, ['hpc', 'start', c.config, '--skip-deploy', '--json'])
    t.diagnostic(`start with a failed cloud-init module: ${seconds(start)} s`)
    assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`)
    const warnings = res.stderr.split('\n').filter((l) => l.startsWith('Warning: ') && l.includes('cloud-init'))
    assert.equal(warnings.length, 1, res.stderr)
    assert.match(warnings[0] ?? '', new RegExp(`cloud-init on ${controller} \\(${c.controllerIp.replaceAll('.', '\\.')}\\): module locale failed \\(see /var/log/cloud-init\\.log on the VM\\)`))
    assert.match(warnings[0] ?? '', /--strict-cloud-init/)
    const result = parseJson(res.stdout) as {status: string; ssh_ready: {name: string}[]}
    assert.equal(result.status, 'running')
    assert.deepEqual(result.ssh_ready.map((r) => r.name), [controller])
    assert.equal((await readState(c)).entry?.status, 'running')
    // The guest is reachable as the cluster user, and cloud-init there really reports the locale module failed.
    const target = {ip: c.controllerIp, user: image.user, privateKeyPath: c.privateKey}
    const probe = await sshRun(host, target, 'hostname && sudo -n true && cloud-init status --format json', 60_000)
    const [hostname, ...json] = probe.stdout.split('\n')
    assert.equal(hostname, controller)
    const status = JSON.parse(json.join('\n')) as {status: string; errors: string[]}
    assert.equal(status.status, 'error')
    assert.equal(status.errors.length, 1, status.errors.join('\n'))
    assert.match(status.errors[0] ?? '', /^\('locale', ProcessExecutionError/)
  })

  void it('--strict-cloud-init: start fails with CLOUD_INIT_FAILED naming the module and rolls back, leaving nothing', async (t) => {
    assert.ok(host)
    const c = await newCluster('cistrict')
    const start = performance.now()
    const res = await aiHow(c, ['hpc', 'start', c.config, '--skip-deploy', '--strict-cloud-init', '--json'])
    t.diagnostic(`strict start and rollback: ${seconds(start)} s`)
    assert.equal(res.exitCode, 1, `${res.stdout}\n${res.stderr}`)
    const error = parseJson(res.stdout) as {code: string; message: string; actions: string[]}
    assert.equal(error.code, 'CLOUD_INIT_FAILED', error.message)
    assert.equal(error.message, `cloud-init failed on ${c.name}-controller (${c.controllerIp}): module locale failed`)
    assert.ok(error.actions.some((a) => a.includes('/var/log/cloud-init.log')), error.actions.join('\n'))
    assert.deepEqual(await findLeftovers(host, c.name), [])
    if (existsSync(c.state)) assert.equal((await readState(c)).entry, undefined, 'no state entry for a cluster that was rolled back')
  })
})
