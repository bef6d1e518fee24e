/**
 * A non-root user in the `libvirt` group, the way scripts/quickstart.sh leaves the person who runs
 * it (`usermod -aG libvirt $SUDO_USER`): tests run ai-how as this user (runAiHow's `user` option) to
 * prove that it needs no root against qemu:///system.
 *
 * The user is a system account created once (`useradd --system --create-home --groups libvirt`) and
 * then kept: removing it would need every file it owns gone first, and another test run may be using
 * it. The host had no such account before; it owns nothing outside its home and the test's temp
 * folders (which the tests remove). teardown-host.sh leaves it alone, like the installed packages.
 */
import {run} from './exec.js'
import type {E2eHost} from './host.js'
import {inNetns} from './netns.js'

export const TEST_USER = 'aihow-e2e'
/**
 * Where to make the user's temp folders: /tmp itself, not os.tmpdir(), which scripts/run-tests.mjs
 * points at a folder of the run that only root may enter.
 */
export const USER_TMP = '/tmp'
const GROUP = 'libvirt'

export interface TestUser {
  name: string
  uid: number
  gid: number
  home: string
}

async function lookUp(name: string): Promise<TestUser | undefined> {
  const entry = await run('getent', ['passwd', name], {reject: false})
  if (entry.exitCode !== 0) return undefined
  const [, , uid, gid, , home] = entry.stdout.trim().split(':')
  return {name, uid: Number(uid), gid: Number(gid), home: home ?? ''}
}

/** The test user, created (and added to group libvirt) when missing. Needs root and the libvirt group. */
export async function ensureTestUser(name = TEST_USER): Promise<TestUser> {
  if ((await run('getent', ['group', GROUP], {reject: false})).exitCode !== 0) {
    throw new Error(`no group ${GROUP} on this host: install libvirt-daemon-system (test/e2e/setup-host.sh does)`)
  }
  let user = await lookUp(name)
  if (user === undefined) {
    await run('useradd', ['--system', '--create-home', '--home-dir', `/var/lib/${name}`, '--shell', '/usr/sbin/nologin', '--user-group', '--groups', GROUP, '--comment', 'ai-how e2e tests (non-root libvirt user)', name])
    user = await lookUp(name)
  }
  if (user === undefined) throw new Error(`useradd ${name} made no user`)
  const groups = (await run('id', ['-nG', name])).stdout.split(/\s+/)
  if (!groups.includes(GROUP)) await run('usermod', ['--append', '--groups', GROUP, name])
  return user
}

/** chown -R of `dir` to the user (what the test made for it: temp folders, the installed prefix); links are not followed. */
export async function giveTo(user: TestUser, dir: string): Promise<void> {
  await run('chown', ['-R', '-P', `${user.uid}:${user.gid}`, dir])
}

/**
 * Throws unless `user` can manage the harness daemon (virsh inside its namespaces): a daemon started
 * by an older setup-host.sh (read-write socket for root, polkit) is still running otherwise.
 */
export async function assertUserReachesDaemon(host: E2eHost, user: TestUser): Promise<void> {
  const res = await inNetns(host, 'setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', 'virsh', '-c', host.innerUri, 'uri'], {reject: false, timeoutMs: 30_000, env: {HOME: user.home}})
  if (res.exitCode !== 0) {
    throw new Error(`${user.name} (group libvirt) cannot manage the harness libvirtd ${host.libvirtdPid}: ${res.stderr.trim()}. A daemon of an older setup-host.sh (socket not group libvirt's) still runs: let its tests end, or test/e2e/teardown-host.sh when none runs`)
  }
}
