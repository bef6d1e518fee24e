import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {isolatedDir, runCli} from '../../test-support/cli.js'
import {REPO_ROOT, fixtureRoot} from '../../test-support/paths.js'
import type {GpuCheckReport} from './check.js'

const CONFIGS = path.join(REPO_ROOT, 'packages/plugin-gpu-passthrough/src/test-support/configs')
const SHARED = path.join(CONFIGS, 'shared-gpu.yaml')

void describe('ai-how gpu check CONFIG (real binary)', () => {
  void it('exits 1 on the workstation bound to nvidia, each failure with its fix, for every kind and node', async () => {
    const result = await runCli(['gpu', 'check', SHARED, '--json'], {dir: await isolatedDir(), env: {AI_HOW_SYSFS_ROOT: fixtureRoot('workstation-nvidia')}})
    assert.equal(result.code, 1, result.stderr)
    const report = JSON.parse(result.stdout) as GpuCheckReport
    assert.equal(report.ok, false)
    assert.equal(report.format_version, 1)
    const failed = report.checks.filter((r) => r.status === 'fail')
    assert.deepEqual(failed.map((r) => r.id), ['gpu.host.vfio-modules', 'gpu.iommu-group-13.driver', 'gpu.node.cloud.gpu-worker-01.iommu-group-13'])
    assert.deepEqual(report.summary, {total: report.checks.length, passed: report.checks.length - 3, warnings: 0, failed: 3, skipped: 0})
    assert.ok(failed.every((r) => r.fix.length > 0))
    const worker = failed.at(-1)
    assert.ok(worker?.fix.includes('Add it to the devices of cloud cluster "lab-cloud" node gpu-worker-01: - {pci_address: "0000:01:00.1", device_type: audio}'), worker?.fix.join('\n'))
    assert.ok(report.checks.some((r) => r.id === 'gpu.node.hpc.compute-01.iommu-group-13' && r.status === 'ok'))
  })

  void it('exits 0 once the GPU and its audio function are bound to vfio-pci', async () => {
    const result = await runCli(['gpu', 'check', SHARED], {dir: await isolatedDir(), env: {AI_HOW_SYSFS_ROOT: fixtureRoot('workstation-vfio')}})
    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.match(result.stdout, /^All 9 checks passed\.$/m)
  })

  void it('prints the kernel command line fix when the IOMMU is off, and points at the config line of a missing device', async () => {
    const off = await runCli(['gpu', 'check', SHARED], {dir: await isolatedDir(), env: {AI_HOW_SYSFS_ROOT: fixtureRoot('iommu-off')}})
    assert.equal(off.code, 1)
    assert.match(off.stdout, /^✗ the IOMMU is off/m)
    assert.match(off.stdout, /^ {4}fix: Enable AMD-Vi/m)
    assert.match(off.stdout, /Add "amd_iommu=on iommu=pt" to GRUB_CMDLINE_LINUX_DEFAULT/)
    const absent = await runCli(['gpu', 'check', SHARED, '--json'], {dir: await isolatedDir(), env: {AI_HOW_SYSFS_ROOT: fixtureRoot('shared-group')}})
    const present = (JSON.parse(absent.stdout) as GpuCheckReport).checks.find((r) => r.id === 'gpu.device.0000:01:00.0.present')
    assert.ok(present)
    assert.equal(present.status, 'fail')
    assert.ok(present.fix.includes(`Correct clusters.hpc.compute_nodes[0].pcie_passthrough.devices[0].pci_address (${SHARED}:27:28) in hpc cluster "lab-hpc", or remove the device from node compute-01.`), present.fix.join('\n'))
  })

  void it('has nothing to check (exit 0) when no node asks for passthrough, and exits 2 on a config error', async () => {
    const none = await runCli(['gpu', 'check', path.join(CONFIGS, 'no-devices.yaml')], {dir: await isolatedDir()})
    assert.equal(none.code, 0, none.stderr)
    assert.match(none.stdout, /asks for PCI passthrough: nothing to check/)
    const missing = await runCli(['gpu', 'check', path.join(CONFIGS, 'no-such.yaml')], {dir: await isolatedDir()})
    assert.equal(missing.code, 2, missing.stdout + missing.stderr)
  })
})
