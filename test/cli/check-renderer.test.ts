/**
 * `doctor CONFIG`, `validate CONFIG --check-host` and `gpu check CONFIG` through the real binary
 * print their checks through one renderer: the same check gives the same lines (mark, message, fix
 * lines) in all three, and each ends with the same form of summary line.
 */
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {execa} from 'execa'

const root = path.resolve(import.meta.dirname, '../..')
const box = mkdtempSync(path.join(os.tmpdir(), 'ai-how-check-renderer-'))
const CONFIG = path.join(root, 'packages/plugin-gpu-passthrough/src/test-support/configs/shared-gpu.yaml')
const IOMMU_OFF = path.join(root, 'test/fixtures/sysfs/iommu-off')
after(() => {
  rmSync(box, {recursive: true, force: true})
})

async function aiHow(args: string[]): Promise<{exitCode?: number; stdout: string; stderr: string}> {
  return execa(process.execPath, [path.join(root, 'packages/core/bin/run.js'), ...args, '--sysfs-root', IOMMU_OFF], {
    cwd: box,
    reject: false,
    env: {HOME: box, NO_COLOR: '1', LIBVIRT_DEFAULT_URI: 'test:///default', AI_HOW_STATE: path.join(box, 'state.json')},
  })
}

/** The line of a check and the indented lines under it. */
function block(stdout: string, first: string): string[] {
  const lines = stdout.split('\n')
  const at = lines.indexOf(first)
  assert.ok(at >= 0, `no line "${first}" in:\n${stdout}`)
  const end = lines.findIndex((l, i) => i > at && !l.startsWith('    '))
  return lines.slice(at, end)
}

const SUMMARY = /^(All \d+ checks passed\.|\d+ checks: (\d+ failed, )?(\d+ warnings?, )?\d+ passed(, \d+ skipped)?( \(.+\))?\.)$/

void describe('one renderer for doctor, validate --check-host and gpu check', () => {
  void it('prints the same lines for the same check and the same summary form, and each exits 1 on a failed check', async () => {
    const runs = {
      doctor: await aiHow(['doctor', CONFIG]),
      validate: await aiHow(['validate', CONFIG, '--check-host']),
      gpuCheck: await aiHow(['gpu', 'check', CONFIG]),
    }
    const iommu = block(runs.gpuCheck.stdout, '✗ the IOMMU is off: /sys/kernel/iommu_groups is empty, so no device can be passed through')
    assert.equal(iommu[1], '    fix: Enable AMD-Vi / IOMMU (often under "SVM" or "AMD CBS") in the firmware (BIOS/UEFI) setup.')
    assert.match(iommu[2] ?? '', /^ {9}Add "amd_iommu=on iommu=pt" to GRUB_CMDLINE_LINUX_DEFAULT/)
    const driver = runs.gpuCheck.stdout.split('\n').find((l) => l.startsWith('✗ 0000:01:00.0 ')) ?? ''
    const present = '✓ PCI device 0000:01:00.0 (NVIDIA Corporation GA102 [GeForce RTX 3090]) exists'
    for (const [name, run] of Object.entries(runs)) {
      assert.equal(run.exitCode, 1, `${name}: ${run.stdout}${run.stderr}`)
      assert.deepEqual(block(run.stdout, iommu[0] ?? ''), iommu, name)
      assert.deepEqual(block(run.stdout, driver), block(runs.gpuCheck.stdout, driver), name)
      assert.ok(run.stdout.split('\n').includes(present), `${name}: ${run.stdout}`)
      const last = run.stdout.trimEnd().split('\n').at(-1) ?? ''
      assert.match(last, SUMMARY, name)
      assert.doesNotMatch(last, /^All /, name)
    }
    assert.match(runs.gpuCheck.stdout.trimEnd().split('\n').at(-1) ?? '', /^5 checks: 3 failed, 2 passed\.$/)
  })

  void it('--json of all three: each check as {id, status, message, fix, detail}', async () => {
    const doctor = JSON.parse((await aiHow(['doctor', CONFIG, '--json'])).stdout) as {checks: Record<string, unknown>[]}
    const gpu = JSON.parse((await aiHow(['gpu', 'check', CONFIG, '--json'])).stdout) as {format_version: number; checks: Record<string, unknown>[]}
    const validate = JSON.parse((await aiHow(['validate', CONFIG, '--check-host', '--json'])).stdout) as {host_checks: Record<string, unknown>[]}
    assert.equal(gpu.format_version, 1)
    for (const checks of [doctor.checks, gpu.checks, validate.host_checks]) {
      for (const check of checks) assert.deepEqual(Object.keys(check), ['id', 'status', 'message', 'fix', 'detail'])
      const iommu = checks.find((c) => c.id === 'gpu.host.iommu')
      assert.equal(iommu?.status, 'fail')
    }
    const byId = (checks: Record<string, unknown>[], id: string): unknown => checks.find((c) => c.id === id)
    assert.deepEqual(byId(doctor.checks, 'gpu.host.iommu'), byId(gpu.checks, 'gpu.host.iommu'))
    assert.deepEqual(byId(validate.host_checks, 'gpu.host.iommu'), byId(gpu.checks, 'gpu.host.iommu'))
  })
})
