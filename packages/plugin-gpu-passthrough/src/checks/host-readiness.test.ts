/**
 * doctor's passthrough readiness (passthroughChecks with hostWide) on the fake sysfs trees, printed
 * through core's one renderer: IOMMU off with a GPU is never "all checks passed", a host bound to
 * vfio passes, a host without a GPU skips every passthrough check and says why.
 */
import assert from 'node:assert/strict'
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, it} from 'node:test'
import {anyCheckFailed, checksJson, renderChecks} from '@ai-how/core'
import type {CheckResult} from '@ai-how/core'
import {cpuVirtualization} from '../host/host-info.js'
import {PciHost} from '../host/pci-host.js'
import {makeCluster} from '../test-support/clusters.js'
import {isolatedDir} from '../test-support/cli.js'
import {fixtureRoot} from '../test-support/paths.js'
import {hostWideChecks} from './host-wide.js'
import {passthroughChecks} from './passthrough-checks.js'

const HOST_IDS = ['gpu.host.cpu-virtualization', 'gpu.host.iommu', 'gpu.host.vfio-modules', 'gpu.host.gpus']

async function doctorView(root: string, devices: readonly (readonly [string, string])[] = []): Promise<{checks: CheckResult[]; text: string; failed: boolean}> {
  const clusters = devices.length === 0 ? [] : [makeCluster({kind: 'hpc', name: 'h', nodes: [{key: 'compute-01', devices}]})]
  const results = await passthroughChecks(PciHost.open(root), clusters, undefined, {hostWide: true})
  return {checks: checksJson(results).checks, text: renderChecks(results), failed: anyCheckFailed(results)}
}

const statusOf = (checks: readonly CheckResult[]): Record<string, string> => Object.fromEntries(checks.map((c) => [c.id, c.status]))

void describe('host passthrough readiness (doctor)', () => {
  void it('IOMMU off with a GPU and no config: a warning with the GRUB fix, never "all checks passed"', async () => {
    const {checks, text, failed} = await doctorView(fixtureRoot('iommu-off'))
    assert.deepEqual(statusOf(checks), {'gpu.host.cpu-virtualization': 'ok', 'gpu.host.iommu': 'warn', 'gpu.host.vfio-modules': 'warn', 'gpu.host.gpus': 'ok'})
    assert.equal(failed, false)
    assert.match(text, /^! the IOMMU is off: \/sys\/kernel\/iommu_groups is empty, .* \(needed only for GPU passthrough, which no cluster asks for here\)$/m)
    assert.match(text, /^ {4}fix: Enable AMD-Vi/m)
    assert.match(text, /^ {4}0000:01:00\.0 NVIDIA Corporation GA102 \[GeForce RTX 3090\]: no IOMMU group, driver nvidia, not ready: the IOMMU is off \(no IOMMU groups\); /m)
    assert.doesNotMatch(text, /All .*checks passed/)
    assert.match(text, /^4 checks: 2 warnings, 2 passed \(nothing blocks, see the warnings\)\.$/m)
  })

  void it('IOMMU off with a GPU that a node asks for: the IOMMU check fails', async () => {
    const {checks, text, failed} = await doctorView(fixtureRoot('iommu-off'), [['0000:01:00.0', 'gpu']])
    assert.equal(statusOf(checks)['gpu.host.iommu'], 'fail')
    assert.equal(failed, true)
    assert.deepEqual(checks.slice(0, 4).map((c) => c.id), HOST_IDS, 'the host checks come once, first')
    assert.equal(checks.filter((c) => c.id === 'gpu.host.iommu').length, 1)
    assert.match(text, /^\d+ checks: \d+ failed, /m)
  })

  void it('IOMMU on and the GPU bound to vfio-pci: every check passes, the GPU listed with its group and driver', async () => {
    const {checks, text, failed} = await doctorView(fixtureRoot('workstation-vfio'), [['0000:01:00.0', 'gpu'], ['0000:01:00.1', 'audio']])
    assert.equal(failed, false)
    assert.deepEqual(checks.filter((c) => c.status !== 'ok'), [])
    assert.match(text, /^✓ the IOMMU is on \(\d+ IOMMU groups\)$/m)
    assert.match(text, /^ {4}0000:01:00\.0 NVIDIA Corporation GA102GL \[RTX A6000\]: IOMMU group 13, driver vfio-pci, ready$/m)
    assert.match(text, /^ {6}group shared with 0000:00:01\.0 \(bridge, driver pcieport\), 0000:01:00\.1 \(driver vfio-pci\)$/m)
    assert.match(text, new RegExp(`^All ${checks.length} checks passed\\.$`, 'm'))
  })

  void it('no GPU on the host: the passthrough checks are skipped with the reason, not ok', async () => {
    const root = await isolatedDir()
    await mkdir(path.join(root, 'proc'))
    await writeFile(path.join(root, 'proc/cpuinfo'), 'vendor_id\t: GenuineIntel\nflags\t\t: fpu vmx sse\n')
    const {checks, text, failed} = await doctorView(root)
    assert.deepEqual(statusOf(checks), Object.fromEntries(HOST_IDS.map((id) => [id, 'skip'])))
    assert.equal(failed, false)
    assert.match(text, /^- the IOMMU is off: .* \(skipped: no GPU \(display or 3D controller\) under .*\/sys\/bus\/pci\/devices\)$/m)
    assert.ok(checks.every((c) => c.fix.length === 0))
    assert.match(text, /^4 checks: 0 passed, 4 skipped \(no problem found\)\.$/m)
  })

  void it('reads CPU virtualization from the flags line of /proc/cpuinfo', () => {
    assert.equal(cpuVirtualization('flags\t\t: fpu vmx sse\n'), 'vmx')
    assert.equal(cpuVirtualization('flags\t\t: fpu svm\n'), 'svm')
    assert.equal(cpuVirtualization('flags\t\t: fpu sse hypervisor\n'), 'none')
    assert.equal(cpuVirtualization('vendor_id\t: AuthenticAMD\n'), 'unknown')
  })
})

void describe('vfio-pci available or not (doctor and gpu check alike)', () => {
  async function tree(modulesDep: string | undefined): Promise<string> {
    const root = await isolatedDir()
    await mkdir(path.join(root, 'proc/sys/kernel'), {recursive: true})
    await writeFile(path.join(root, 'proc/sys/kernel/osrelease'), '6.1.0-28-amd64\n')
    await writeFile(path.join(root, 'proc/modules'), 'snd_hda_intel 57344 3 - Live 0x0\n')
    if (modulesDep !== undefined) {
      await mkdir(path.join(root, 'lib/modules/6.1.0-28-amd64'), {recursive: true})
      await writeFile(path.join(root, 'lib/modules/6.1.0-28-amd64/modules.dep'), modulesDep)
    }
    return root
  }

  void it('says vfio-pci can be loaded when modules.dep of the running kernel lists it', async () => {
    const [, vfio] = await hostWideChecks(PciHost.open(await tree('kernel/drivers/vfio/pci/vfio-pci.ko: kernel/drivers/vfio/vfio.ko\n')))
    assert.equal(vfio?.ok, false)
    assert.deepEqual(vfio.detail, ['vfio-pci is available in /lib/modules/6.1.0-28-amd64 (modules.dep): modprobe loads it'])
    assert.match(vfio.fix[0] ?? '', /^sudo modprobe vfio-pci/)
  })

  void it('says the kernel lacks vfio-pci, first fix a kernel that has it, when modules.dep does not list it', async () => {
    const [, vfio] = await hostWideChecks(PciHost.open(await tree('kernel/sound/pci/hda/snd-hda-intel.ko:\n')))
    assert.deepEqual(vfio?.detail, ['the running kernel 6.1.0-28-amd64 has no vfio-pci module in /lib/modules/6.1.0-28-amd64'])
    assert.match(vfio.fix[0] ?? '', /^Install a kernel that ships vfio-pci/)
  })

  void it('gives no availability line when /lib/modules cannot be read', async () => {
    const [, vfio] = await hostWideChecks(PciHost.open(await tree(undefined)))
    assert.equal(vfio?.detail, undefined)
    assert.match(vfio?.fix[0] ?? '', /^sudo modprobe vfio-pci/)
  })
})
