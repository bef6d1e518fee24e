// The README quickstart, for real: `ai-how hpc start examples/hpc-tiny.yaml` (the shipped example,
// unchanged) boots its three guests from the image that scripts/build-guest-image.sh builds, runs
// its deploy playbook, reports every node running at its configured IP, and `hpc destroy --force`
// leaves nothing behind.
import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {ensureGuestImage, ensureHost, findLeftovers, makeAiHowDirs, releaseHost, repoRoot, runAiHow} from './harness/index.js'
import type {AiHowDirs, E2eHost} from './harness/index.js'
import {parseJson} from './hpc/cluster.js'

const example = path.join(repoRoot, 'examples', 'hpc-tiny.yaml')

interface Status {
  status: string
  nodes: {name: string; state: string; ip: {configured: string | null; live: string | null}}[]
}

void describe('examples/hpc-tiny.yaml (README quickstart) on a real libvirtd', {timeout: 30 * 60_000}, () => {
  let host: E2eHost | undefined
  let dirs: AiHowDirs | undefined
  let work: string | undefined
  let env: Record<string, string> = {}
  const aiHow = async (args: string[]): Promise<{exitCode: number; stdout: string; stderr: string}> => {
    assert.ok(host && dirs && work)
    return runAiHow(host, [...args, '--state', path.join(work, 'output', 'state.json')], {dirs, env, timeoutMs: 20 * 60_000})
  }

  before(async () => {
    host = await ensureHost()
    const image = await ensureGuestImage()
    dirs = await makeAiHowDirs()
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-tiny-'))
    // Nested KVM does not work on these machines: the example's own switch turns on emulation.
    env = {AI_HOW_IMAGE_DIR: path.dirname(image.image), AI_HOW_ENABLE_KVM: 'false'}
  })

  after(async () => {
    if (host !== undefined) {
      if (dirs !== undefined && (await findLeftovers(host, 'hpc-tiny')).length > 0) await aiHow(['hpc', 'destroy', example, '--force'])
      await releaseHost()
    }
    if (work !== undefined) await rm(work, {recursive: true, force: true})
    if (dirs !== undefined) await rm(dirs.root, {recursive: true, force: true})
  })

  void it('starts, deploys, reports all running at the configured IPs, and is destroyed without a trace', async (t) => {
    assert.ok(host)
    const t0 = performance.now()
    const start = await aiHow(['hpc', 'start', example, '--json'])
    t.diagnostic(`hpc start examples/hpc-tiny.yaml: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    assert.equal(start.exitCode, 0, `${start.stdout}\n${start.stderr}`)
    const started = parseJson(start.stdout) as {status: string; deploy: {ran: boolean; ok: boolean}}
    assert.equal(started.status, 'running')
    assert.deepEqual([started.deploy.ran, started.deploy.ok], [true, true])

    const status = await aiHow(['hpc', 'status', example, '--json'])
    assert.equal(status.exitCode, 0, `${status.stdout}\n${status.stderr}`)
    const report = parseJson(status.stdout) as Status
    assert.deepEqual(
      report.nodes.map((n) => [n.name, n.state, n.ip.live]),
      [
        ['hpc-tiny-controller', 'running', '192.168.150.10'],
        ['hpc-tiny-compute-01', 'running', '192.168.150.11'],
        ['hpc-tiny-compute-02', 'running', '192.168.150.12'],
      ],
    )

    const destroy = await aiHow(['hpc', 'destroy', example, '--force'])
    assert.equal(destroy.exitCode, 0, `${destroy.stdout}\n${destroy.stderr}`)
    assert.deepEqual(await findLeftovers(host, 'hpc-tiny'), [])
  })
})
