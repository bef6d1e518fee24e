/**
 * scripts/quickstart.sh, the README's one command (issue 9 §1): its steps in order under --dry-run,
 * which changes nothing (every command that would change the host is a recording shim on PATH, and
 * the clone's git status is the same before and after); the flags that leave steps out; the host
 * check; shellcheck. The start step itself is `ai-how hpc start examples/hpc-tiny.yaml`, the command
 * test/e2e/example-hpc-tiny.test.ts runs on a real libvirtd.
 */
import assert from 'node:assert/strict'
import {chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {execa} from 'execa'

const root = path.resolve(import.meta.dirname, '../..')
const script = path.join(root, 'scripts/quickstart.sh')
const sandbox = mkdtempSync(path.join(os.tmpdir(), 'ai-how-quickstart-'))
after(() => {
  rmSync(sandbox, {recursive: true, force: true})
})
const log = path.join(sandbox, 'calls.log')
const MUTATING = ['apt-get', 'npm', 'usermod', 'systemctl', 'ln', 'runuser', 'sg', 'ai-how', 'debootstrap', 'dpkg', 'chown']
for (const name of MUTATING) {
  const shim = path.join(sandbox, name)
  writeFileSync(shim, `#!/bin/sh\necho "${name} $*" >> '${log}'\nexit 0\n`)
  chmodSync(shim, 0o755)
}

function osRelease(text: string): string {
  const file = path.join(sandbox, `os-release-${Math.random().toString(36).slice(2)}`)
  writeFileSync(file, text)
  return file
}
const DEBIAN_12 = osRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n')

async function quickstart(args: string[], env: Record<string, string> = {}): Promise<{exitCode: number | undefined; stdout: string; stderr: string}> {
  const r = await execa(script, args, {
    cwd: root,
    reject: false,
    timeout: 60_000,
    stdin: 'ignore',
    env: {PATH: `${sandbox}:${process.env.PATH ?? '/usr/bin:/bin'}`, AI_HOW_OS_RELEASE: DEBIAN_12, SUDO_USER: '', ...env},
  })
  return {exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr}
}

const steps = (stdout: string): string[] => [...stdout.matchAll(/^== step \d+: (.*)$/gm)].map((m) => m[1] ?? '')
const wouldRun = (stdout: string): string[] => [...stdout.matchAll(/^ {3}would run: (.*)$/gm)].map((m) => m[1] ?? '')
const gitStatus = async (): Promise<string> => (await execa('git', ['status', '--porcelain'], {cwd: root})).stdout

void describe('scripts/quickstart.sh', () => {
  void it('--dry-run lists the steps in order, ends with how to see the status and destroy, and changes nothing', async () => {
    const before = await gitStatus()
    const linked = existsSync('/usr/local/bin/ai-how')
    const r = await quickstart(['--dry-run'], {SUDO_USER: 'nobody'})
    assert.equal(r.exitCode, 0, r.stderr)
    assert.deepEqual(steps(r.stdout).map((s) => s.split(/[ (:]/)[0]), ['host', 'Node.js', 'Debian', 'libvirtd', 'npm', 'ai-how', 'guest', 'start'])
    const commands = wouldRun(r.stdout)
    const order = ['test/e2e/setup-host.sh --install-only', 'npm run build', 'scripts/build-guest-image.sh', 'ai-how hpc start examples/hpc-tiny.yaml']
    const at = order.map((c) => commands.findIndex((line) => line.includes(c)))
    assert.ok(at.every((i, k) => i >= 0 && (k === 0 || i > (at[k - 1] ?? -1))), `in this order: ${order.join(' | ')}\n${commands.join('\n')}`)
    // the invoking user runs the build and the cluster, and joins the libvirt group (nobody is not in it)
    assert.ok(commands.some((c) => c.startsWith('usermod -aG libvirt nobody')), commands.join('\n'))
    // and the kvm group where there is a /dev/kvm (ai-how checks that its user can open it; Debian's is root:kvm 0660)
    const kvmGroup = (await execa('getent', ['group', 'kvm'], {reject: false})).exitCode === 0
    assert.equal(commands.some((c) => c.startsWith('usermod -aG kvm nobody')), existsSync('/dev/kvm') && kvmGroup, commands.join('\n'))
    assert.ok(commands.some((c) => c.startsWith('runuser -u nobody -- npm run build')), commands.join('\n'))
    assert.match(r.stdout, /ai-how hpc status examples\/hpc-tiny\.yaml/)
    assert.match(r.stdout, /ai-how hpc destroy examples\/hpc-tiny\.yaml --force/)
    assert.match(r.stdout, /dry run: nothing was changed/)
    assert.doesNotMatch(r.stdout, /^ {3}\+ /m, 'no step ran a command (run() prints "+ CMD" before running one)')
    assert.equal(existsSync(log) ? readFileSync(log, 'utf8') : '', '', 'no command that changes the host ran')
    assert.equal(await gitStatus(), before)
    assert.equal(existsSync('/usr/local/bin/ai-how'), linked)
  })

  void it('--no-start leaves out the start, --install-only the image too', async () => {
    const noStart = await quickstart(['--dry-run', '--no-start'])
    assert.equal(noStart.exitCode, 0, noStart.stderr)
    assert.ok(steps(noStart.stdout).some((s) => s.startsWith('guest image')))
    assert.ok(!steps(noStart.stdout).some((s) => s.startsWith('start')))
    const installOnly = await quickstart(['--install-only', '--dry-run'])
    assert.equal(installOnly.exitCode, 0, installOnly.stderr)
    assert.equal(steps(installOnly.stdout).length, 6)
    assert.ok(!wouldRun(installOnly.stdout).some((c) => c.includes('build-guest-image') || c.includes('hpc start')))
    assert.match(installOnly.stdout, /Start the tiny cluster with: ai-how hpc start examples\/hpc-tiny\.yaml/)
  })

  void it('refuses a system that is not Debian-based, warns on another Debian-based one, and an unknown flag exits 2', async () => {
    const fedora = await quickstart(['--dry-run'], {AI_HOW_OS_RELEASE: osRelease('PRETTY_NAME="Fedora Linux 40"\nID=fedora\nVERSION_ID=40\n')})
    assert.equal(fedora.exitCode, 1)
    assert.match(fedora.stderr, /Fedora Linux 40 is not Debian-based/)
    const ubuntu = await quickstart(['--dry-run', '--install-only'], {AI_HOW_OS_RELEASE: osRelease('PRETTY_NAME="Ubuntu 24.04 LTS"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n')})
    assert.equal(ubuntu.exitCode, 0, ubuntu.stderr)
    assert.match(ubuntu.stdout, /WARNING: Ubuntu 24\.04 LTS is not Debian 12, the only system this script is tested on/)
    const bad = await quickstart(['--frobnicate'])
    assert.equal(bad.exitCode, 2)
    assert.match(bad.stderr, /usage: .*quickstart\.sh/)
  })

  void it('passes shellcheck', async (t) => {
    const which = await execa('sh', ['-c', 'command -v shellcheck'], {reject: false})
    if (which.exitCode !== 0) {
      t.skip('shellcheck is not installed (apt-get install shellcheck; test/e2e/setup-host.sh --install-only installs it)')
      return
    }
    const r = await execa('shellcheck', [script, path.join(root, 'scripts/build-guest-image.sh')], {reject: false})
    assert.equal(r.exitCode, 0, r.stdout)
  })
})
