// The README quickstart, for real: `sudo scripts/build-guest-image.sh` (which links the image at
// /var/cache/ai-how-e2e/images/current), then `ai-how hpc start examples/hpc-tiny.yaml` (the shipped
// example, unchanged, its image paths as written: no AI_HOW_IMAGE_DIR) boots its three guests from
// that link and deploys Slurm with the playbook shipped in plugin-hpc: sinfo shows both compute nodes
// idle in the partition, `srun -N2 hostname` runs on both, status reports every node running at its
// configured IP and Slurm healthy; stop drains the compute nodes and start resumes them (idle
// again); a compute node whose slurmd cannot start fails a redeploy naming it and the deploy log,
// while that same playbook run changes nothing on the other nodes; `hpc destroy --force` leaves
// nothing, the cluster's munge key included.
// The ai-how that does it is the one a user installs: the workspace packages packed and installed
// into an empty prefix with `npm install -g` (harness/installed-cli.ts), run from outside the
// repository, so its templates and oclif manifest are the packaged ones.
// And it runs as the user quickstart.sh leaves behind: not root, a member of group libvirt
// (harness/test-user.ts; the harness daemon's read-write socket is group libvirt's, as on a Debian
// host), reaching qemu:///system through that group alone. Every ai-how command runs as that user;
// everything ai-how writes (state, keys, munge key, known_hosts, inventory, deploy log) is theirs.
import assert from 'node:assert/strict'
import {access, mkdtemp, readFile, realpath, stat} from 'node:fs/promises'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {parseEnvLines} from './harness/env-file.js'
import {run} from './harness/exec.js'
import {assertUserReachesDaemon, ensureHost, ensureTestUser, findLeftovers, giveTo, installCli, makeAiHowDirs, repoRoot, runAiHow, sshRun, tearDown, USER_TMP, virsh} from './harness/index.js'
import type {AiHowDirs, E2eHost, InstalledCli, TestUser} from './harness/index.js'
import {parseJson} from './hpc/cluster.js'

const example = path.join(repoRoot, 'examples', 'hpc-tiny.yaml')
/** Where the example looks for its image when AI_HOW_IMAGE_DIR is unset (the link the script writes). */
const CURRENT = '/var/cache/ai-how-e2e/images/current'
const NODES = [['hpc-tiny-controller', '192.168.150.10'], ['hpc-tiny-compute-01', '192.168.150.11'], ['hpc-tiny-compute-02', '192.168.150.12']] as const

interface Status {
  status: string
  nodes: {name: string; state: string; ip: {configured: string | null; live: string | null}}[]
}

void describe('examples/hpc-tiny.yaml (README quickstart) on a real libvirtd', {timeout: 45 * 60_000}, () => {
  let host: E2eHost | undefined
  let dirs: AiHowDirs | undefined
  let work: string | undefined
  let env: Record<string, string> = {}
  let cli: InstalledCli | undefined
  let user: TestUser | undefined
  const aiHow = async (args: string[]): Promise<{exitCode: number; stdout: string; stderr: string}> => {
    assert.ok(host && dirs && work && cli && user)
    return runAiHow(host, [...args, '--state', path.join(work, 'output', 'state.json')], {dirs, env, bin: cli.bin, user, timeoutMs: 20 * 60_000})
  }
  /** Paths under the output folder (itself included) that are not the user's: ai-how wrote all of them as the user. */
  const notTheUsers = async (): Promise<string[]> => {
    assert.ok(work && user)
    return (await run('find', [path.join(work, 'output'), '-not', '-user', user.name])).stdout.split('\n').filter(Boolean)
  }

  before(async () => {
    host = await ensureHost()
    // The README's step, as written (the default cache: an empty AI_HOW_E2E_CACHE is unset for it).
    const built = await run(path.join(repoRoot, 'scripts', 'build-guest-image.sh'), [], {env: {AI_HOW_E2E_CACHE: ''}, timeoutMs: 30 * 60_000})
    const image = parseEnvLines(built.stdout).AI_HOW_E2E_IMAGE ?? ''
    assert.equal(await realpath(path.join(CURRENT, 'base.qcow2')), image, `${CURRENT} is the image the script built`)
    // What the test makes (the installed prefix, the work and AI_HOW_* folders) becomes the user's, as a
    // clone and its output/ are the person's own after quickstart.sh; output/ is left to ai-how.
    user = await ensureTestUser()
    await assertUserReachesDaemon(host, user)
    dirs = await makeAiHowDirs('ai-how-e2e-', USER_TMP)
    work = await mkdtemp(path.join(USER_TMP, 'ai-how-e2e-tiny-'))
    cli = await installCli(work)
    await giveTo(user, work)
    await giveTo(user, dirs.root)
    // Nested KVM does not work on these machines: the example's own switch turns on emulation. An
    // empty AI_HOW_IMAGE_DIR counts as unset, so the example's own default path is used.
    env = {AI_HOW_IMAGE_DIR: '', AI_HOW_ENABLE_KVM: 'false'}
  })

  after(async () => {
    // Without the installed CLI nothing was started.
    await tearDown({host, dirs, work, clusters: () => (cli === undefined ? [] : [{name: 'hpc-tiny', destroy: () => aiHow(['hpc', 'destroy', example, '--force'])}])})
  })

  const ssh = async (ip: string, command: string): Promise<string> => {
    assert.ok(host && work)
    const probe = await sshRun(host, {ip, user: 'debian', privateKeyPath: path.join(work, 'output', 'keys', 'hpc-tiny', 'id_ed25519')}, command, 120_000)
    assert.ok(probe.connected, `no SSH to ${ip}: ${probe.lastError}`)
    return probe.stdout
  }
  const CONTROLLER = NODES[0][1]
  const COMPUTES = [NODES[1][0], NODES[2][0]]
  /** Every compute node idle in the compute partition, as sinfo on the controller says. */
  const assertIdle = async (): Promise<void> => {
    const sinfo = await ssh(CONTROLLER, "sinfo -N -h -o '%N %P %T'")
    assert.deepEqual(sinfo.trim().split('\n').sort(), COMPUTES.map((n) => `${n} compute* idle`), sinfo)
  }
  const mungeKey = (): string => path.join(work ?? '', 'output', 'keys', 'hpc-tiny', 'munge.key')

  void it('starts and deploys Slurm: sinfo idle, srun -N2 hostname on both, status healthy', async (t) => {
    assert.ok(host && cli)
    t.diagnostic(`ai-how installed from the packed workspaces: ${cli.bin}`)
    const t0 = performance.now()
    const start = await aiHow(['hpc', 'start', example, '--json'])
    t.diagnostic(`hpc start examples/hpc-tiny.yaml: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    assert.equal(start.exitCode, 0, `${start.stdout}\n${start.stderr}`)
    const started = parseJson(start.stdout) as {status: string; deploy: {ran: boolean; ok: boolean}; slurm: {healthy: boolean; nodes_up: string}}
    assert.equal(started.status, 'running')
    assert.deepEqual([started.deploy.ran, started.deploy.ok], [true, true])
    assert.deepEqual([started.slurm.healthy, started.slurm.nodes_up], [true, '2/2'])

    // It ran as the user, not root: what it wrote is theirs (state, the cluster's keys, munge key).
    assert.ok(user && work)
    for (const file of ['state.json', 'keys/hpc-tiny/id_ed25519', 'keys/hpc-tiny/munge.key']) {
      assert.equal((await stat(path.join(work, 'output', file))).uid, user.uid, `output/${file} belongs to ${user.name}`)
    }
    assert.deepEqual(await notTheUsers(), [], `everything under output/ belongs to ${user.name}`)

    // The guests booted the example's own kernel and initrd (through the link), not a test copy.
    const xml = (await virsh(host, ['dumpxml', 'hpc-tiny-controller'])).stdout
    assert.match(xml, new RegExp(`<kernel>${CURRENT}/vmlinuz</kernel>`))
    assert.match(xml, new RegExp(`<initrd>${CURRENT}/initrd.img</initrd>`))

    await assertIdle()
    const srun = await ssh(CONTROLLER, 'timeout 120 srun -N2 hostname')
    assert.deepEqual(srun.trim().split('\n').sort(), COMPUTES)
    // The munge key of this cluster, not the one the Debian package made: the same bytes on the guest.
    assert.equal((await ssh(CONTROLLER, 'sudo sha256sum /etc/munge/munge.key')).split(' ')[0], (await run('sha256sum', [mungeKey()])).stdout.split(' ')[0])

    const status = await aiHow(['hpc', 'status', example, '--json'])
    assert.equal(status.exitCode, 0, `${status.stdout}\n${status.stderr}`)
    const report = parseJson(status.stdout) as Status & {slurm: {healthy: boolean; nodes_up: string}}
    assert.deepEqual(
      report.nodes.map((n) => [n.name, n.state, n.ip.live]),
      NODES.map(([name, ip]) => [name, 'running', ip]),
    )
    assert.deepEqual([report.slurm.healthy, report.slurm.nodes_up], [true, '2/2'])
  })

  void it('stop drains the compute nodes in Slurm, then start resumes them: idle again', async (t) => {
    const stop = await aiHow(['hpc', 'stop', example, '--json'])
    assert.equal(stop.exitCode, 0, `${stop.stdout}\n${stop.stderr}`)
    assert.deepEqual([...(parseJson(stop.stdout) as {drain: {drained: string[]}}).drain.drained].sort(), COMPUTES)
    const t0 = performance.now()
    const start = await aiHow(['hpc', 'start', example, '--json'])
    t.diagnostic(`hpc start of the stopped cluster: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    assert.equal(start.exitCode, 0, `${start.stdout}\n${start.stderr}`)
    const started = parseJson(start.stdout) as {slurm: {healthy: boolean}; resumed: string[]}
    assert.equal(started.slurm.healthy, true)
    assert.deepEqual([...started.resumed].sort(), COMPUTES)
    await assertIdle()
  })

  // One playbook run proves two things (each deploy costs minutes under emulation): where nothing
  // changed it changes nothing, and a compute node whose slurmd cannot start fails it, named.
  void it('redeploy: a compute node whose slurmd cannot start fails the deploy, named, with the log; the other nodes change nothing', async (t) => {
    await ssh(NODES[2][1], 'sudo systemctl mask --now slurmd')
    const t0 = performance.now()
    const res = await aiHow(['hpc', 'start', example, '--redeploy'])
    t.diagnostic(`hpc start --redeploy: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    assert.notEqual(res.exitCode, 0, res.stdout)
    assert.match(res.stderr, /DEPLOY_FAILED|the deploy failed/)
    assert.match(res.stderr, /hpc-tiny-compute-02/)
    const log = /logs\/hpc-tiny-deploy-\S+\.log/.exec(res.stderr)?.[0]
    assert.ok(log, res.stderr)
    const text = await readFile(path.join(work ?? '', 'output', log), 'utf8')
    assert.match(text, /slurmd/)
    const recap = text.split('\n').filter((l) => /^hpc-tiny-\S+\s+: ok=/.test(l))
    assert.equal(recap.length, 3, text.slice(-2000))
    for (const name of [NODES[0][0], NODES[1][0]]) assert.match(recap.find((l) => l.startsWith(`${name} `)) ?? '', /changed=0 .*failed=0/, recap.join('\n'))
    assert.match(recap.find((l) => l.startsWith(`${NODES[2][0]} `)) ?? '', /failed=[1-9]/, recap.join('\n'))
    // The deploy log, the inventory and known_hosts of both deploys: the user's too.
    assert.deepEqual(await notTheUsers(), [])
  })

  void it('destroy --force leaves nothing, the munge key included', async () => {
    assert.ok(host)
    await access(mungeKey())
    const destroy = await aiHow(['hpc', 'destroy', example, '--force'])
    assert.equal(destroy.exitCode, 0, `${destroy.stdout}\n${destroy.stderr}`)
    assert.deepEqual(await findLeftovers(host, 'hpc-tiny'), [])
    await assert.rejects(access(mungeKey()), {code: 'ENOENT'})
  })
})
