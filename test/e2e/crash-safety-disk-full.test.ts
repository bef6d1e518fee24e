// Issue 11 §2, crash-safety of the hpc kind on a full disk (a tmpfs, in the daemon's mount namespace,
// as the pool folder: AI_HOW_POOL_ROOT): a start that fails in the base import, and one whose base
// image and disks fit but whose seeds do not. Each fails with HYPERVISOR_DISK_FULL naming the file,
// removes what it made and leaves the state file byte for byte as it was. No guest boots (a few
// seconds each); the chain of kills is crash-safety.test.ts.
import assert from 'node:assert/strict'
import {mkdir, mkdtemp, readFile, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import type {TestContext} from 'node:test'

import {ensureGuestImage, ensureHost, inNetns, makeAiHowDirs, runAiHow, tearDown} from './harness/index.js'
import type {AiHowDirs, CmdResult, E2eHost, GuestImage} from './harness/index.js'
import {parseJson, planCluster, writeConfig} from './hpc/cluster.js'
import type {E2eCluster} from './hpc/cluster.js'
import {assertNothingLeft as nothingLeft} from './hpc/nothing-left.js'

void describe('crash-safety of hpc start on a full disk', {timeout: 10 * 60_000}, () => {
  let host: E2eHost | undefined
  let image: GuestImage
  let dirs: AiHowDirs | undefined
  let c: E2eCluster
  let work: string | undefined
  const show = (r: CmdResult): string => `exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`
  const assertNothingLeft = (): Promise<void> => {
    assert.ok(host)
    return nothingLeft(host, c)
  }

  before(async () => {
    host = await ensureHost()
    image = await ensureGuestImage()
    dirs = await makeAiHowDirs()
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-full-'))
    c = planCluster(work, 'full')
    await writeConfig(c, image, [{ip: `${c.subnet}.11`}])
  })

  after(async () => {
    const destroy = async (): Promise<CmdResult> => {
      assert.ok(host && dirs)
      return runAiHow(host, ['hpc', 'destroy', c.config, '--force', '--state', c.state], {dirs})
    }
    await tearDown({host, dirs, work, clusters: () => [{name: c.name, destroy}]})
  })

  /** Runs `fn` with a tmpfs of `size` mounted (in the daemon's mount namespace) on a new folder of the run. */
  async function withSmallPool(name: string, size: string, fn: (root: string) => Promise<void>): Promise<void> {
    assert.ok(host && work)
    const root = path.join(work, name)
    await mkdir(root)
    const mounted = await inNetns(host, 'mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'ai-how-e2e-full', root], {reject: false})
    assert.equal(mounted.exitCode, 0, mounted.stderr)
    try {
      await fn(root)
    } finally {
      await inNetns(host, 'umount', [root], {reject: false})
    }
  }

  /** A start of CONFIG with the pool folder ROOT fails with HYPERVISOR_DISK_FULL; returns its message. The state file stays byte for byte. */
  async function startOnFullDisk(t: TestContext, config: string, root: string): Promise<string> {
    assert.ok(host && dirs)
    const before = `${JSON.stringify({version: 1, gpu_allocations: {}, note: 'kept as it is'}, null, 2)}\n`
    await mkdir(c.output, {recursive: true})
    await writeFile(c.state, before)
    const t0 = performance.now()
    const start = await runAiHow(host, ['hpc', 'start', config, '--skip-deploy', '--json', '--state', c.state], {dirs, env: {AI_HOW_POOL_ROOT: root}, timeoutMs: 10 * 60_000})
    t.diagnostic(`start on a full disk: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    assert.equal(start.exitCode, 1, show(start))
    const error = parseJson(start.stdout) as {code: string; message: string}
    t.diagnostic(`${error.code}: ${error.message}`)
    assert.equal(error.code, 'HYPERVISOR_DISK_FULL')
    assert.equal(await readFile(c.state, 'utf8'), before, 'the state file is byte for byte as before')
    await assertNothingLeft()
    return error.message
  }

  void it('disk full during the base import (a 64 MiB tmpfs as the pool folder): a clear error, what the run made removed, the state file intact', async (t) => {
    await withSmallPool('small-pool', '64m', async (root) => {
      const message = await startOnFullDisk(t, c.config, root)
      assert.match(message, new RegExp(`Unable to write ${root}/${c.name}/.*: No space left on device`))
    })
  })

  void it('disk full during a seed upload (the base image and both disks fit, no seed does): a clear error naming the seed, what the run made removed, the state file intact', async (t) => {
    assert.ok(host && work)
    // An empty 1 GiB qcow2 as the base image: nothing boots from it (the seeds fail first). In the pool
    // it takes 196 KiB (48 pages), as does each qcow2 disk over it; a seed ISO is over 360 KiB and is
    // allocated whole when its volume is created. 652 KiB = the base + two disks + 64 KiB: whichever
    // of the two nodes gets there first, its disk fits and its seed does not.
    const tiny = path.join(work, 'empty-base.qcow2')
    const made = await inNetns(host, 'qemu-img', ['create', '-q', '-f', 'qcow2', tiny, '1G'], {reject: false})
    assert.equal(made.exitCode, 0, made.stderr)
    const config = path.join(work, 'empty-base.yaml')
    const text = await readFile(c.config, 'utf8')
    assert.ok(text.includes(`base_image_path: ${image.image}\n`))
    await writeFile(config, text.replaceAll(`base_image_path: ${image.image}\n`, `base_image_path: ${tiny}\n`))
    await withSmallPool('seed-pool', '652k', async (root) => {
      const message = await startOnFullDisk(t, config, root)
      assert.match(message, new RegExp(`cannot allocate \\d+ bytes in file '${root}/${c.name}/${c.name}-(controller|compute-01)-seed\\.iso': No space left on device`))
    })
  })
})
