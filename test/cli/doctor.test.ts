/**
 * `ai-how doctor` through the real binary, made to fail on purpose: a PATH without the tools, a
 * libvirt URI that does not answer, a state folder on a file system with no free space (/proc).
 * Each failed check prints its fix, the summary counts them, and the exit code is exactly 1; with
 * every check passing it is 0. Nothing is written (not even the state folder).
 */
import assert from 'node:assert/strict'
import {accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {execa} from 'execa'

const root = path.resolve(import.meta.dirname, '../..')
const box = mkdtempSync(path.join(os.tmpdir(), 'ai-how-doctor-cli-'))
const nodeOnly = path.join(box, 'bin')
after(() => {
  rmSync(box, {recursive: true, force: true})
})

interface Check {
  id: string
  ok: boolean
  message: string
  fix: string[]
}
interface Run {
  exitCode?: number
  stdout: string
  stderr: string
}

/** `ai-how doctor ARGS` with only the environment given (PATH defaults to the system's). */
async function doctor(args: string[], env: Record<string, string>): Promise<Run> {
  return execa(process.execPath, [path.join(root, 'packages/core/bin/run.js'), 'doctor', ...args], {
    cwd: box,
    reject: false,
    stripFinalNewline: false,
    extendEnv: false,
    env: {PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: box, NO_COLOR: '1', ...env},
  })
}

const show = (r: Run): string => `exit ${String(r.exitCode)}\n${r.stdout}\n${r.stderr}`
const kvmUsable = ((): boolean => {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK)
    return true
  } catch {
    return false
  }
})()

void describe('ai-how doctor', () => {
  void it('with no tool on PATH and no free space: each failed check and its fix, the count, exit 1', async () => {
    // A PATH holding only node: virsh, qemu-img, the ISO tools and ansible-playbook are all missing.
    mkdirSync(nodeOnly)
    symlinkSync(process.execPath, path.join(nodeOnly, 'node'))
    const r = await doctor(['--state', '/proc/ai-how/state.yaml'], {PATH: nodeOnly, LIBVIRT_DEFAULT_URI: 'test:///default'})
    assert.equal(r.exitCode, 1, show(r))
    const lines = r.stdout.split('\n')
    assert.deepEqual(lines.slice(1, 11), [
      '✗ only 0.0 GiB free at /proc (output folder /proc/ai-how); VM disks and images need at least 10 GiB',
      '    fix: free space there, or point --state / AI_HOW_STATE at a folder on a larger disk',
      '✗ virsh not found on PATH: ai-how needs it because it talks to libvirt',
      '    fix: apt-get install --no-install-recommends libvirt-clients',
      '✗ qemu-img not found on PATH: ai-how needs it because it inspects and converts disk images',
      '    fix: apt-get install --no-install-recommends qemu-utils',
      '✗ genisoimage or xorriso or cloud-localds not found on PATH: ai-how needs it because it builds cloud-init seed ISOs',
      '    fix: apt-get install --no-install-recommends genisoimage',
      '✗ ansible-playbook not found on PATH: ai-how needs it because it runs the deploy playbooks',
      '    fix: apt-get install --no-install-recommends ansible-core',
    ])
    assert.match(lines[0] ?? '', /^✓ Node\.js \d+\.\d+\.\d+$/)
    // Without virsh the libvirt check is not tried; the kvm check follows this host.
    assert.ok(!r.stdout.includes('libvirt at'), r.stdout)
    assert.match(r.stdout, kvmUsable ? /^✓ \/dev\/kvm is usable$/m : /^✗ \/dev\/kvm is missing or not writable/m)
    assert.match(r.stdout, new RegExp(`^${kvmUsable ? 5 : 6} of 7 checks failed\\.\n$`, 'm'))
    assert.equal(r.stderr, '')
  })

  void it('--json: ok false, every check with id and fix, libvirt that does not answer named by its URI, exit 1', async () => {
    const r = await doctor(['--json', '--state', path.join(box, 'state', 'state.yaml')], {LIBVIRT_DEFAULT_URI: 'test:///nonexistent.xml'})
    assert.equal(r.exitCode, 1, show(r))
    const out = JSON.parse(r.stdout) as {ok: boolean; checks: Check[]}
    assert.equal(out.ok, false)
    assert.deepEqual(out.checks.map((c) => c.id), ['node', 'disk', 'tool.virsh', 'tool.qemu-img', 'tool.iso', 'tool.ansible', 'libvirt.test:///nonexistent.xml', 'kvm'])
    const libvirt = out.checks.find((c) => c.id.startsWith('libvirt.'))
    assert.equal(libvirt?.ok, false)
    assert.match(libvirt.message, /^libvirt at test:\/\/\/nonexistent\.xml does not answer: .*nonexistent\.xml/)
    assert.deepEqual(libvirt.fix, [
      'apt-get install --no-install-recommends libvirt-daemon-system qemu-system-x86 dnsmasq-base',
      'start the daemons: systemctl start libvirtd (or, without systemd: virtlogd -d && libvirtd -d)',
      'for qemu:///system as a normal user: add yourself to the libvirt group and log in again',
    ])
    for (const check of out.checks) assert.equal(check.fix.length === 0, check.ok, `a failed check has a fix, a passed one none: ${check.id}`)
    assert.equal(existsSync(path.join(box, 'state')), false, 'doctor writes nothing')
  })

  void it('exits 0 and says "All checks passed." exactly when every check passes', async () => {
    const r = await doctor(['--json', '--state', path.join(box, 'state', 'state.yaml')], {LIBVIRT_DEFAULT_URI: 'test:///default'})
    const out = JSON.parse(r.stdout) as {ok: boolean; checks: Check[]}
    assert.deepEqual(out.checks.filter((c) => !c.ok && c.id !== 'kvm' && c.id !== 'disk'), [], 'the tools and test:///default pass here')
    assert.equal(out.ok, out.checks.every((c) => c.ok))
    assert.equal(out.checks.find((c) => c.id === 'kvm')?.ok, kvmUsable)
    assert.equal(r.exitCode, out.ok ? 0 : 1, show(r))
    const text = await doctor(['--state', path.join(box, 'state', 'state.yaml')], {LIBVIRT_DEFAULT_URI: 'test:///default'})
    assert.equal(text.exitCode, r.exitCode, show(text))
    const failed = out.checks.filter((c) => !c.ok).length
    assert.ok(text.stdout.endsWith(out.ok ? '\nAll checks passed.\n' : `\n${failed} of ${out.checks.length} checks failed.\n`), text.stdout)
  })
})
