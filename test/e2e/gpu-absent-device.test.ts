// GPU passthrough on a real libvirtd: an hpc start whose compute node asks for a PCI device that this
// host does not have is refused before anything is created (no domain, network, pool, volume or
// state entry), with the device named and the fix.
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {ensureGuestImage, ensureHost, findLeftovers, makeAiHowDirs, releaseHost, runAiHow} from './harness/index.js'
import type {AiHowDirs, E2eHost, GuestImage} from './harness/index.js'
import {parseJson, planCluster, writeConfig} from './hpc/cluster.js'

/** A PCI address that no machine of ours has (domain 0000, bus 0x7f, slot 0x1f). */
const ABSENT = '0000:7f:1f.0'

void describe('a start that asks for a PCI device absent from the host', {timeout: 10 * 60_000}, () => {
  let host: E2eHost | undefined
  let image: GuestImage
  let dirs: AiHowDirs | undefined
  let work: string | undefined

  before(async () => {
    host = await ensureHost()
    image = await ensureGuestImage()
    dirs = await makeAiHowDirs()
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-gpu-'))
  })

  after(async () => {
    if (host !== undefined) await releaseHost()
    if (work !== undefined) await rm(work, {recursive: true, force: true})
    if (dirs !== undefined) await rm(dirs.root, {recursive: true, force: true})
  })

  void it('is refused before anything is created, naming the device', async () => {
    assert.ok(host && dirs && work)
    assert.ok(!existsSync(`/sys/bus/pci/devices/${ABSENT}`), `${ABSENT} exists on this host: pick another address`)
    const c = planCluster(work, 'gpu')
    await writeConfig(c, image, [{ip: `${c.subnet}.11`, gpus: [ABSENT]}])
    const res = await runAiHow(host, ['hpc', 'start', c.config, '--skip-deploy', '--json', '--state', c.state], {dirs, timeoutMs: 5 * 60_000})
    assert.equal(res.exitCode, 1, `${res.stdout}\n${res.stderr}`)
    const error = parseJson(res.stdout) as {code: string; message: string; actions: string[]}
    console.error(`# refused with: ${error.message}\n#   ${error.actions.join('\n#   ')}`)
    assert.equal(error.code, 'HOST_NOT_READY', error.message)
    assert.match(error.message, new RegExp(ABSENT.replaceAll('.', '\\.')))
    assert.ok(error.actions.length > 0, 'the error says what to do')
    assert.match(error.message, /not found|does not exist|absent|no such/i, error.message)
    assert.deepEqual(await findLeftovers(host, c.name), [], 'nothing of the cluster exists in libvirt')
    assert.equal(existsSync(c.state), false, 'no state file was written')
  })
})
