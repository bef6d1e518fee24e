// The README quickstart, for real: `sudo scripts/build-guest-image.sh` (which links the image at
// /var/cache/ai-how-e2e/images/current), then `ai-how hpc start examples/hpc-tiny.yaml` (the shipped
// example, unchanged, its image paths as written: no AI_HOW_IMAGE_DIR) boots its three guests from
// that link, runs its deploy playbook, and every guest shows over SSH what the playbook wrote there;
// status reports every node running at its configured IP, and `hpc destroy --force` leaves nothing.
// The ai-how that does it is the one a user installs: the workspace packages packed and installed
// into an empty prefix with `npm install -g` (harness/installed-cli.ts), run from outside the
// repository, so its templates and oclif manifest are the packaged ones.
import assert from 'node:assert/strict'
import {mkdtemp, realpath} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {parseEnvLines} from './harness/env-file.js'
import {run} from './harness/exec.js'
import {ensureHost, findLeftovers, installCli, makeAiHowDirs, repoRoot, runAiHow, sshRun, tearDown, virsh} from './harness/index.js'
import type {AiHowDirs, E2eHost, InstalledCli} from './harness/index.js'
import {parseJson} from './hpc/cluster.js'

const example = path.join(repoRoot, 'examples', 'hpc-tiny.yaml')
/** Where the example looks for its image when AI_HOW_IMAGE_DIR is unset (the link the script writes). */
const CURRENT = '/var/cache/ai-how-e2e/images/current'
const NODES = [['hpc-tiny-controller', '192.168.150.10'], ['hpc-tiny-compute-01', '192.168.150.11'], ['hpc-tiny-compute-02', '192.168.150.12']] as const

interface Status {
  status: string
  nodes: {name: string; state: string; ip: {configured: string | null; live: string | null}}[]
}

void describe('examples/hpc-tiny.yaml (README quickstart) on a real libvirtd', {timeout: 30 * 60_000}, () => {
  let host: E2eHost | undefined
  let dirs: AiHowDirs | undefined
  let work: string | undefined
  let env: Record<string, string> = {}
  let cli: InstalledCli | undefined
  const aiHow = async (args: string[]): Promise<{exitCode: number; stdout: string; stderr: string}> => {
    assert.ok(host && dirs && work && cli)
    return runAiHow(host, [...args, '--state', path.join(work, 'output', 'state.json')], {dirs, env, bin: cli.bin, timeoutMs: 20 * 60_000})
  }

  before(async () => {
    host = await ensureHost()
    // The README's step, as written (the default cache: an empty AI_HOW_E2E_CACHE is unset for it).
    const built = await run(path.join(repoRoot, 'scripts', 'build-guest-image.sh'), [], {env: {AI_HOW_E2E_CACHE: ''}, timeoutMs: 30 * 60_000})
    const image = parseEnvLines(built.stdout).AI_HOW_E2E_IMAGE ?? ''
    assert.equal(await realpath(path.join(CURRENT, 'base.qcow2')), image, `${CURRENT} is the image the script built`)
    dirs = await makeAiHowDirs()
    work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-tiny-'))
    cli = await installCli(work)
    // Nested KVM does not work on these machines: the example's own switch turns on emulation. An
    // empty AI_HOW_IMAGE_DIR counts as unset, so the example's own default path is used.
    env = {AI_HOW_IMAGE_DIR: '', AI_HOW_ENABLE_KVM: 'false'}
  })

  after(async () => {
    // Without the installed CLI nothing was started.
    await tearDown({host, dirs, work, clusters: () => (cli === undefined ? [] : [{name: 'hpc-tiny', destroy: () => aiHow(['hpc', 'destroy', example, '--force'])}])})
  })

  void it('starts, deploys, reports all running at the configured IPs, and is destroyed without a trace', async (t) => {
    assert.ok(host && cli)
    t.diagnostic(`ai-how installed from the packed workspaces: ${cli.bin}`)
    const t0 = performance.now()
    const start = await aiHow(['hpc', 'start', example, '--json'])
    t.diagnostic(`hpc start examples/hpc-tiny.yaml: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    assert.equal(start.exitCode, 0, `${start.stdout}\n${start.stderr}`)
    const started = parseJson(start.stdout) as {status: string; deploy: {ran: boolean; ok: boolean}}
    assert.equal(started.status, 'running')
    assert.deepEqual([started.deploy.ran, started.deploy.ok], [true, true])

    // The guests booted the example's own kernel and initrd (through the link), not a test copy.
    const xml = (await virsh(host, ['dumpxml', 'hpc-tiny-controller'])).stdout
    assert.match(xml, new RegExp(`<kernel>${CURRENT}/vmlinuz</kernel>`))
    assert.match(xml, new RegExp(`<initrd>${CURRENT}/initrd.img</initrd>`))

    // What the deploy playbook (smoke.yml) did, seen on each guest: a root-owned marker from its facts.
    const key = path.join(work ?? '', 'output', 'keys', 'hpc-tiny', 'id_ed25519')
    for (const [name, ip] of NODES) {
      const probe = await sshRun(host, {ip, user: 'debian', privateKeyPath: key}, "cat /var/tmp/ai-how-e2e-marker && stat -c '%U %a' /var/tmp/ai-how-e2e-marker", 60_000)
      assert.ok(probe.connected, `no SSH to ${name} at ${ip}: ${probe.lastError}`)
      assert.equal(probe.stdout.trim(), `${name} ${ip} bookworm\nroot 644`, `${name}: ${probe.stderr}`)
    }

    const status = await aiHow(['hpc', 'status', example, '--json'])
    assert.equal(status.exitCode, 0, `${status.stdout}\n${status.stderr}`)
    const report = parseJson(status.stdout) as Status
    assert.deepEqual(
      report.nodes.map((n) => [n.name, n.state, n.ip.live]),
      NODES.map(([name, ip]) => [name, 'running', ip]),
    )

    const destroy = await aiHow(['hpc', 'destroy', example, '--force'])
    assert.equal(destroy.exitCode, 0, `${destroy.stdout}\n${destroy.stderr}`)
    assert.deepEqual(await findLeftovers(host, 'hpc-tiny'), [])
  })
})
