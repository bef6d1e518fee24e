// The harness's runAiHow: the real, built binary runs inside the run's namespaces with isolated
// folders and reaches the namespaced libvirtd as plain qemu:///system.
import assert from 'node:assert/strict'
import {rm} from 'node:fs/promises'
import {after, before, describe, it} from 'node:test'

import {ensureHost, makeAiHowDirs, releaseHost, runAiHow} from './harness/index.js'
import type {AiHowDirs, E2eHost} from './harness/index.js'

interface DoctorReport {
  checks: {id: string; status: 'ok' | 'warn' | 'fail' | 'skip'; message: string}[]
}

void describe('runAiHow', () => {
  let host: E2eHost | undefined
  let dirs: AiHowDirs | undefined

  before(async () => {
    host = await ensureHost()
    dirs = await makeAiHowDirs()
  })
  after(async () => {
    if (host !== undefined) await releaseHost()
    if (dirs !== undefined) await rm(dirs.root, {recursive: true, force: true})
  })

  void it('runs the built ai-how inside the namespace, where doctor finds the run\'s libvirtd at qemu:///system', async () => {
    assert.ok(host && dirs)
    const res = await runAiHow(host, ['doctor', '--json'], {dirs})
    const report = JSON.parse(res.stdout) as DoctorReport
    const libvirt = report.checks.filter((c) => c.id.startsWith('libvirt'))
    const [check, ...more] = libvirt
    assert.ok(check && more.length === 0, res.stdout)
    assert.equal(check.status, 'ok', res.stdout)
    assert.match(check.message, /qemu:\/\/\/system/)
  })
})
