// The namespaced libvirtd of setup-host.sh / teardown-host.sh, driven the way the harness and a
// person use them, in their own run folders (AI_HOW_E2E_RUN_DIR / AI_HOW_E2E_WORK) so that they
// run next to the daemon of the other e2e tests.
import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {existsSync} from 'node:fs'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, beforeEach, describe, it} from 'node:test'

import {parseEnvLines} from './harness/env-file.js'
import {run} from './harness/exec.js'
import {e2eDir, ensureTestUser} from './harness/index.js'

interface Started {
  ns: string
  work: string
  uri: string
  libvirtdPid: number
  virtlogdPid: number
  created: boolean
}

let base = ''
const env = (): Record<string, string> => ({AI_HOW_E2E_RUN_DIR: path.join(base, 'run'), AI_HOW_E2E_WORK: path.join(base, 'work')})

async function setup(...args: string[]): Promise<Started> {
  const {stdout} = await run(path.join(e2eDir, 'setup-host.sh'), ['--no-install', ...args], {env: env(), timeoutMs: 120_000})
  const v = parseEnvLines(stdout)
  return {
    ns: v.AI_HOW_E2E_NETNS ?? '', work: v.AI_HOW_E2E_WORK ?? '', uri: v.AI_HOW_E2E_URI ?? '',
    libvirtdPid: Number(v.AI_HOW_E2E_LIBVIRTD_PID), virtlogdPid: Number(v.AI_HOW_E2E_VIRTLOGD_PID),
    created: v.AI_HOW_E2E_CREATED === '1',
  }
}

const teardown = async (...args: string[]): Promise<string> =>
  (await run(path.join(e2eDir, 'teardown-host.sh'), args, {env: env(), timeoutMs: 120_000})).stderr

async function namespaces(): Promise<string[]> {
  return (await run('ip', ['netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0] ?? '')
}

/** Runs and is not a zombie (nothing reaps orphans on these machines). */
async function running(pid: number): Promise<boolean> {
  const res = await run('ps', ['-o', 'stat=', '-p', String(pid)], {reject: false})
  return res.exitCode === 0 && !res.stdout.trim().startsWith('Z')
}

async function assertGone(s: Started): Promise<void> {
  assert.ok(!(await namespaces()).includes(s.ns), `namespace ${s.ns} still there`)
  assert.equal(await running(s.libvirtdPid), false, 'libvirtd still runs')
  assert.equal(await running(s.virtlogdPid), false, 'virtlogd still runs')
  assert.equal(existsSync(s.work), false, `${s.work} still there`)
  assert.equal(existsSync(path.join(base, 'run', 'host.env')), false, 'state file still there')
}

const hostConf = async (file: string): Promise<string> => createHash('sha256').update(await readFile(path.join('/etc/libvirt', file))).digest('hex')
const hostQemuConf = async (): Promise<string> => hostConf('qemu.conf')

/** `virsh uri` on the daemon's socket inside its namespaces, as a user given by setpriv's options. */
const virshAs = async (s: Started, setpriv: string[]): Promise<number> =>
  (await run('nsenter', ['-t', String(s.libvirtdPid), '-n', '-m', '--', 'setpriv', ...setpriv, '--', 'virsh', '-c', 'qemu:///system', 'uri'], {reject: false, timeoutMs: 30_000, env: {HOME: '/'}})).exitCode

void describe('setup-host.sh / teardown-host.sh', {timeout: 10 * 60_000}, () => {
  before(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'ai-how-e2e-host-'))
  })
  beforeEach(async () => {
    await teardown()   // each case starts without a daemon, whatever the previous one left
  })
  after(async () => {
    await teardown().catch(() => '')
    await rm(base, {recursive: true, force: true})
  })

  void it('runs libvirtd in a new namespace (only loopback, up), reachable from outside, host config untouched', async () => {
    const qemuConfBefore = await hostQemuConf()
    const libvirtdConfBefore = await hostConf('libvirtd.conf')
    const s = await setup()
    assert.ok(s.created)
    assert.match(s.ns, /^aihow-e2e-\d{14}-[0-9a-f]{6}$/)
    assert.equal((await run('ip', ['netns', 'identify', String(s.libvirtdPid)])).stdout, s.ns)
    assert.equal((await run('virsh', ['-c', s.uri, 'uri'])).stdout.trim(), s.uri)
    const links = await run('ip', ['netns', 'exec', s.ns, 'ip', '-o', 'link', 'show'])
    assert.deepEqual(links.stdout.split('\n').map((l) => l.split(':')[1]?.trim()), ['lo'])
    assert.match(links.stdout, /<LOOPBACK,UP,LOWER_UP>/)
    assert.match(await readFile(path.join(s.work, 'etc', 'qemu.conf'), 'utf8'), /^user = "root"\ngroup = "root"$/m)
    assert.equal(await hostQemuConf(), qemuConfBefore)
    // The read-write socket is group libvirt's, as on a Debian host (there through polkit): a user in
    // that group manages the daemon, one outside it (nobody) does not; the host's libvirtd.conf is untouched.
    assert.equal((await run('stat', ['-c', '%a %G', path.join(s.work, 'run', 'libvirt-sock')])).stdout, '770 libvirt')
    const user = await ensureTestUser()
    assert.equal(await virshAs(s, [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups']), 0, `${user.name} (group libvirt) connects`)
    assert.notEqual(await virshAs(s, ['--reuid=nobody', '--regid=nogroup', '--clear-groups']), 0, 'nobody does not')
    assert.equal(await hostConf('libvirtd.conf'), libvirtdConfBefore)
    await teardown()
    await assertGone(s)
  })

  void it('reuses a running daemon; the last --release of a daemon it started with --auto removes it all', async () => {
    const first = await setup('--auto', '--user', String(process.pid))
    const second = await setup('--auto', '--user', '1')   // pid 1 never exits: a user that stays
    assert.ok(first.created)
    assert.equal(second.created, false)
    assert.equal(second.libvirtdPid, first.libvirtdPid)
    assert.match(await teardown('--release', String(process.pid)), /still used by pid 1/)
    assert.ok(await running(first.libvirtdPid))
    await run('rm', [path.join(base, 'run', 'users', '1')])   // the other user "exits"
    await teardown('--release', String(process.pid))
    await assertGone(first)
  })

  void it('leaves a daemon started by hand to the person: --release keeps it, a plain teardown removes it', async () => {
    const s = await setup()
    await teardown('--release', String(process.pid))
    assert.ok(await running(s.libvirtdPid))
    await teardown()
    await assertGone(s)
  })

  void it('--stop-libvirtd / --start-libvirtd: the daemon stopped (virtlogd and the namespace stay; setup neither reuses nor cleans it up), then started again with the same URI', async () => {
    const s = await setup()
    await run(path.join(e2eDir, 'setup-host.sh'), ['--stop-libvirtd', '--user', String(process.pid)], {env: env(), timeoutMs: 120_000})
    assert.equal(await running(s.libvirtdPid), false, 'libvirtd stopped')
    assert.ok(await running(s.virtlogdPid), 'virtlogd runs on')
    assert.ok((await namespaces()).includes(s.ns))
    assert.notEqual((await run('virsh', ['-c', s.uri, 'uri'], {reject: false})).exitCode, 0)
    const refused = await run(path.join(e2eDir, 'setup-host.sh'), ['--no-install'], {env: env(), reject: false, timeoutMs: 120_000})
    assert.equal(refused.exitCode, 1)
    assert.match(refused.stderr, new RegExp(`stopped on purpose by pid ${process.pid}`))
    assert.ok((await namespaces()).includes(s.ns), 'not cleaned up as a dead daemon')
    const again = parseEnvLines((await run(path.join(e2eDir, 'setup-host.sh'), ['--start-libvirtd'], {env: env(), timeoutMs: 120_000})).stdout)
    const pid = Number(again.AI_HOW_E2E_LIBVIRTD_PID)
    assert.notEqual(pid, s.libvirtdPid)
    assert.equal((await run('ip', ['netns', 'identify', String(pid)])).stdout, s.ns)
    assert.equal((await run('virsh', ['-c', s.uri, 'uri'])).stdout.trim(), s.uri)
    const reused = await setup()
    assert.deepEqual([reused.created, reused.ns, reused.uri, reused.libvirtdPid], [false, s.ns, s.uri, pid])
    assert.ok(!(await readFile(path.join(base, 'run', 'host.env'), 'utf8')).includes('STOPPED_BY'))
    await teardown()
    await assertGone({...s, libvirtdPid: pid})
  })

  void it('cleans up after a daemon that died: the next setup starts a fresh namespace', async () => {
    const dead = await setup()
    await run('kill', ['-KILL', String(dead.libvirtdPid)])
    const fresh = await setup()
    assert.ok(fresh.created)
    assert.notEqual(fresh.ns, dead.ns)
    assert.ok(!(await namespaces()).includes(dead.ns))
    assert.equal(existsSync(dead.work), false)
    await teardown()
    await assertGone(fresh)
  })
})
