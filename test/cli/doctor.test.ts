/**
 * `ai-how doctor` through the real binary, made to fail on purpose: a PATH without the tools, a
 * libvirt URI that does not answer, a state folder on a file system with no free space (/proc).
 * Each failed check prints its fix, the summary counts them, and the exit code is exactly 1; with
 * no failed check it is 0. Nothing is written (not even the state folder). The GPU passthrough
 * checks read a fake sysfs tree (--sysfs-root): skipped without a GPU, a warning with a GPU and the
 * IOMMU off, failures when CONFIG asks for that GPU.
 */
import assert from 'node:assert/strict'
import {accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
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
  status: 'ok' | 'warn' | 'fail' | 'skip'
  message: string
  fix: string[]
  detail: string[]
}
interface Report {
  format_version: number
  config: string | null
  ok: boolean
  summary: {total: number; passed: number; warnings: number; failed: number; skipped: number}
  checks: Check[]
}
const SYSFS = path.join(root, 'test/fixtures/sysfs')
const GPU_CONFIG = path.join(root, 'packages/plugin-gpu-passthrough/src/test-support/configs/shared-gpu.yaml')
const GPU_HOST_IDS = ['gpu.host.cpu-virtualization', 'gpu.host.iommu', 'gpu.host.vfio-modules', 'gpu.host.gpus']
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
  void it('with no tool on PATH and no free space: each failed check and its fix, the GPU checks skipped (no GPU), the counts, exit 1', async () => {
    // A PATH holding only node: virsh, qemu-img, the ISO tools and ansible-playbook are all missing.
    mkdirSync(nodeOnly)
    symlinkSync(process.execPath, path.join(nodeOnly, 'node'))
    const r = await doctor(['--state', '/proc/ai-how/state.yaml', '--sysfs-root', box], {PATH: nodeOnly, LIBVIRT_DEFAULT_URI: 'test:///default'})
    assert.equal(r.exitCode, 1, show(r))
    const lines = r.stdout.split('\n')
    assert.match(lines[0] ?? '', /^✓ Node\.js \d+\.\d+\.\d+$/)
    assert.deepEqual(lines.slice(1, 3), [
      '✗ only 0.0 GiB free at /proc (output folder /proc/ai-how); VM disks and images need at least 10 GiB',
      '    fix: free space there, or point --state / AI_HOW_STATE at a folder on a larger disk',
    ])
    const tools = lines.indexOf('✗ virsh not found on PATH: ai-how needs it because it talks to libvirt')
    assert.deepEqual(lines.slice(tools, tools + 8), [
      '✗ virsh not found on PATH: ai-how needs it because it talks to libvirt',
      '    fix: apt-get install --no-install-recommends libvirt-clients',
      '✗ qemu-img not found on PATH: ai-how needs it because it inspects and converts disk images',
      '    fix: apt-get install --no-install-recommends qemu-utils',
      '✗ genisoimage or xorriso or cloud-localds not found on PATH: ai-how needs it because it builds cloud-init seed ISOs',
      '    fix: apt-get install --no-install-recommends genisoimage',
      '✗ ansible-playbook not found on PATH: ai-how needs it because it runs the deploy playbooks',
      '    fix: apt-get install --no-install-recommends ansible-core',
    ])
    // The sandbox as sysfs root: no GPU, no cpuinfo, so every passthrough check is skipped with the reason.
    assert.equal(lines.filter((l) => l.startsWith('- ')).length, 4, r.stdout)
    assert.ok(lines.includes(`- no GPU (display or 3D controller) under ${path.join(box, 'sys/bus/pci/devices')}: nothing to pass through`), r.stdout)
    // Without virsh the libvirt check is not tried; the kvm check follows this host.
    assert.ok(!r.stdout.includes('libvirt at'), r.stdout)
    assert.match(r.stdout, kvmUsable ? /^✓ \/dev\/kvm is usable$/m : /^✗ \/dev\/kvm is missing or not writable/m)
    assert.ok(r.stdout.endsWith(`\n11 checks: ${kvmUsable ? 5 : 6} failed, ${kvmUsable ? 2 : 1} passed, 4 skipped.\n`), r.stdout)
    assert.equal(r.stderr, '')
  })

  void it('--json: format_version 1, ok false, every check with id, status and fix, libvirt that does not answer named by its URI, exit 1', async () => {
    const r = await doctor(['--json', '--state', path.join(box, 'state', 'state.yaml'), '--sysfs-root', path.join(SYSFS, 'workstation-vfio')], {LIBVIRT_DEFAULT_URI: 'test:///nonexistent.xml'})
    assert.equal(r.exitCode, 1, show(r))
    const out = JSON.parse(r.stdout) as Report
    assert.equal(out.format_version, 1)
    assert.equal(out.config, null)
    assert.equal(out.ok, false)
    assert.deepEqual(out.checks.map((c) => c.id).sort(), ['node', 'disk', ...GPU_HOST_IDS, 'tool.virsh', 'tool.qemu-img', 'tool.iso', 'tool.ansible', 'libvirt.test:///nonexistent.xml', 'kvm'].sort())
    const libvirt = out.checks.find((c) => c.id.startsWith('libvirt.'))
    assert.equal(libvirt?.status, 'fail')
    assert.match(libvirt.message, /^libvirt at test:\/\/\/nonexistent\.xml does not answer: .*nonexistent\.xml/)
    assert.deepEqual(libvirt.fix, [
      'apt-get install --no-install-recommends libvirt-daemon-system qemu-system-x86 dnsmasq-base',
      'start the daemons: systemctl start libvirtd (or, without systemd: virtlogd -d && libvirtd -d)',
      'for qemu:///system as a normal user: add yourself to the libvirt group and log in again',
    ])
    for (const check of out.checks) assert.equal(check.fix.length > 0, check.status === 'fail' || check.status === 'warn', `a problem has a fix, a passed or skipped check none: ${check.id}`)
    // The vfio-bound workstation passes every passthrough check; the GPU is listed with its group and driver.
    assert.deepEqual(out.checks.filter((c) => c.id.startsWith('gpu.')).map((c) => c.status), ['ok', 'ok', 'ok', 'ok'])
    const gpus = out.checks.find((c) => c.id === 'gpu.host.gpus')?.detail ?? []
    assert.ok(gpus.includes('0000:01:00.0 NVIDIA Corporation GA102GL [RTX A6000]: IOMMU group 13, driver vfio-pci, ready'), gpus.join('\n'))
    assert.ok(gpus.includes('0000:00:02.0 Intel Corporation CoffeeLake-S GT2 [UHD Graphics 630]: IOMMU group 2, driver i915, not ready: bound to the host driver i915, not vfio-pci'), gpus.join('\n'))
    assert.deepEqual(out.summary, {total: out.checks.length, passed: out.checks.filter((c) => c.status === 'ok').length, warnings: 0, failed: out.checks.filter((c) => c.status === 'fail').length, skipped: 0})
    assert.equal(existsSync(path.join(box, 'state')), false, 'doctor writes nothing')
  })

  void it('exits 0 when no check fails, and says "All N checks passed." exactly when every check passed', async () => {
    const args = ['--state', path.join(box, 'state', 'state.yaml'), '--sysfs-root', path.join(SYSFS, 'workstation-vfio')]
    const r = await doctor(['--json', ...args], {LIBVIRT_DEFAULT_URI: 'test:///default'})
    const out = JSON.parse(r.stdout) as Report
    assert.deepEqual(out.checks.filter((c) => c.status !== 'ok' && c.id !== 'kvm' && c.id !== 'disk'), [], 'the tools, test:///default and the vfio workstation pass here')
    assert.equal(out.ok, out.checks.every((c) => c.status !== 'fail'))
    assert.equal(out.checks.find((c) => c.id === 'kvm')?.status, kvmUsable ? 'ok' : 'fail')
    assert.equal(r.exitCode, out.ok ? 0 : 1, show(r))
    const text = await doctor(args, {LIBVIRT_DEFAULT_URI: 'test:///default'})
    assert.equal(text.exitCode, r.exitCode, show(text))
    const {total, failed} = out.summary
    assert.ok(text.stdout.endsWith(failed === 0 ? `\nAll ${total} checks passed.\n` : `\n${total} checks: ${failed} failed, ${total - failed} passed.\n`), text.stdout)
  })

  void it('a GPU with the IOMMU off: warnings, never "all checks passed", while gpu list reports the IOMMU off', async () => {
    const sysfs = path.join(SYSFS, 'iommu-off')
    const r = await doctor(['--state', path.join(box, 'state', 'state.yaml'), '--sysfs-root', sysfs], {LIBVIRT_DEFAULT_URI: 'test:///default'})
    assert.match(r.stdout, /^! the IOMMU is off: \/sys\/kernel\/iommu_groups is empty, so no device can be passed through \(needed only for GPU passthrough, which no cluster asks for here\)$/m)
    assert.match(r.stdout, /^ {4}fix: Enable AMD-Vi/m)
    assert.match(r.stdout, /^! vfio modules not loaded: vfio, vfio_iommu_type1, vfio_pci /m)
    assert.match(r.stdout, /^✓ 1 GPU found, 0 ready for passthrough now/m)
    assert.doesNotMatch(r.stdout, /all .*checks passed/i)
    assert.match(r.stdout, /^\d+ checks: (\d+ failed, )?2 warnings, \d+ passed\b/m)
    assert.equal(r.exitCode, kvmUsable ? 0 : 1, 'warnings alone do not fail doctor')
    const list = await execa(process.execPath, [path.join(root, 'packages/core/bin/run.js'), 'gpu', 'list', '--sysfs-root', sysfs], {cwd: box, reject: false, env: {HOME: box, NO_COLOR: '1'}})
    assert.match(list.stdout, /^IOMMU: off,/m)
  })

  void it('with CONFIG: the checks of each GPU it asks for, the IOMMU off and the host drivers failing, exit 1; an invalid CONFIG exits 2', async () => {
    const r = await doctor(['--json', GPU_CONFIG, '--state', path.join(box, 'state', 'state.yaml'), '--sysfs-root', path.join(SYSFS, 'iommu-off')], {LIBVIRT_DEFAULT_URI: 'test:///default'})
    assert.equal(r.exitCode, 1, show(r))
    const out = JSON.parse(r.stdout) as Report
    assert.equal(path.resolve(box, out.config ?? ''), GPU_CONFIG)
    const status = Object.fromEntries(out.checks.filter((c) => c.id.startsWith('gpu.')).map((c) => [c.id, c.status]))
    assert.deepEqual(status, {
      'gpu.host.cpu-virtualization': 'ok',
      'gpu.host.iommu': 'fail',
      'gpu.host.vfio-modules': 'fail',
      'gpu.host.gpus': 'ok',
      'gpu.device.0000:01:00.0.present': 'ok',
      'gpu.device.0000:01:00.1.present': 'ok',
      'gpu.device-0000:01:00.driver': 'fail',
    })
    assert.ok(out.checks.some((c) => c.id.startsWith('image.') || c.message.startsWith('base image ')), 'the config\'s images are checked too')
    const vfio = await doctor(['--json', GPU_CONFIG, '--state', path.join(box, 'state', 'state.yaml'), '--sysfs-root', path.join(SYSFS, 'workstation-vfio')], {LIBVIRT_DEFAULT_URI: 'test:///default'})
    const bound = (JSON.parse(vfio.stdout) as Report).checks.filter((c) => c.id.startsWith('gpu.'))
    assert.deepEqual(bound.filter((c) => c.status !== 'ok'), [], 'IOMMU on, GPU and audio on vfio-pci: every GPU check passes')
    assert.ok(bound.some((c) => c.id === 'gpu.node.hpc.compute-01.iommu-group-13'), bound.map((c) => c.id).join(', '))
    const invalid = path.join(box, 'invalid.yaml')
    writeFileSync(invalid, 'version: "1.0"\nclusters: {hpc: {name: 1}}\n')
    const bad = await doctor([invalid, '--sysfs-root', box], {})
    assert.equal(bad.exitCode, 2, show(bad))
  })
})
