import assert from 'node:assert/strict'
import {cp, mkdir, symlink, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, it} from 'node:test'
import type {HostCheckResult} from '@ai-how/core'
import {PciHost} from '../host/pci-host.js'
import {makeCluster} from '../test-support/clusters.js'
import {isolatedDir} from '../test-support/cli.js'
import {fixtureRoot} from '../test-support/paths.js'
import type {FixtureTree} from '../test-support/paths.js'
import {passthroughChecks} from './passthrough-checks.js'

const GPU = ['0000:01:00.0', 'gpu'] as const
const AUDIO = ['0000:01:00.1', 'audio'] as const

async function check(tree: FixtureTree, ...clusters: Parameters<typeof makeCluster>[0][]): Promise<Map<string, HostCheckResult>> {
  const results = await passthroughChecks(PciHost.open(fixtureRoot(tree)), clusters.map(makeCluster))
  const byId = new Map(results.map((r) => [r.id, r]))
  assert.equal(byId.size, results.length, 'check ids are unique')
  return byId
}

function get(results: Map<string, HostCheckResult>, id: string): HostCheckResult {
  const result = results.get(id)
  assert.ok(result, `no check ${id}; got ${[...results.keys()].join(', ')}`)
  return result
}

void describe('passthrough checks', () => {
  void it('answer nothing when no node asks for a device', async () => {
    assert.equal((await check('iommu-off', {kind: 'hpc', name: 'h', nodes: [{key: 'controller'}]})).size, 0)
  })

  void it('on the workstation with nvidia / snd_hda_intel: vfio modules and the binding fail, with modprobe and vfio-pci ids fixes', async () => {
    const results = await check('workstation-nvidia', {kind: 'cloud', name: 'c', nodes: [{key: 'gpu-worker-01', devices: [GPU, AUDIO]}]})
    assert.equal(get(results, 'gpu.host.iommu').ok, true)
    const modules = get(results, 'gpu.host.vfio-modules')
    assert.equal(modules.ok, false)
    assert.match(modules.fix[0] ?? '', /^sudo modprobe vfio-pci/)
    const driver = get(results, 'gpu.iommu-group-13.driver')
    assert.equal(driver.ok, false)
    assert.match(driver.message, /^0000:01:00\.0 \(NVIDIA Corporation GA102GL \[RTX A6000\]\) is held by the host driver nvidia; 0000:01:00\.1 \(NVIDIA Corporation GA102 High Definition Audio Controller\) is held by the host driver snd_hda_intel: they must be bound to vfio-pci$/)
    assert.ok(driver.fix.includes('echo "options vfio-pci ids=10de:2230,10de:1aef" | sudo tee /etc/modprobe.d/vfio.conf    (one ids= list: keep ids already there for other devices in it)'), driver.fix.join('\n'))
    assert.ok(driver.fix.some((l) => l.startsWith('echo "softdep nvidia pre: vfio-pci"')))
    assert.ok(driver.fix.some((l) => l.startsWith('echo "softdep snd_hda_intel pre: vfio-pci"')))
    assert.ok(driver.fix.some((l) => l.startsWith('sudo update-initramfs -u')))
    assert.ok(driver.fix.some((l) => l.includes('sudo driverctl set-override 0000:01:00.0 vfio-pci && sudo driverctl set-override 0000:01:00.1 vfio-pci')))
    // Both functions go to the VM and the root port is a bridge: the group itself is fine.
    assert.equal(get(results, 'gpu.node.cloud.gpu-worker-01.iommu-group-13').ok, true)
  })

  void it('name the missing audio function of the GPU, with the YAML to add to the node', async () => {
    const results = await check('workstation-vfio', {kind: 'hpc', name: 'h', nodes: [{key: 'compute-01', devices: [GPU]}]})
    const group = get(results, 'gpu.node.hpc.compute-01.iommu-group-13')
    // In this tree the audio function is bound to vfio-pci: leaving it to vfio is fine.
    assert.equal(group.ok, true)
    const nvidia = await check('workstation-nvidia', {kind: 'hpc', name: 'h', nodes: [{key: 'compute-01', devices: [GPU]}]})
    const broken = get(nvidia, 'gpu.node.hpc.compute-01.iommu-group-13')
    assert.equal(broken.ok, false)
    assert.match(broken.message, /0000:01:00\.1 \(NVIDIA Corporation GA102 High Definition Audio Controller, bound to snd_hda_intel\), another function of the same device, is not passed through/)
    assert.deepEqual(broken.fix, [
      'Add it to the devices of hpc cluster "h" node compute-01: - {pci_address: "0000:01:00.1", device_type: audio}',
      'and bind it to vfio-pci with the rest of the group: see the fix of check gpu.iommu-group-13.driver',
    ])
    assert.equal(get(nvidia, 'gpu.iommu-group-13.driver').ok, false)
  })

  void it('pass everything on the same host after binding to vfio-pci (bridges in the group are fine)', async () => {
    const results = await check('workstation-vfio', {kind: 'cloud', name: 'c', nodes: [{key: 'gpu-worker-01', devices: [GPU, AUDIO]}]})
    assert.deepEqual([...results.values()].filter((r) => !r.ok), [])
    assert.deepEqual([...results.keys()], [
      'gpu.host.iommu', 'gpu.host.vfio-modules',
      'gpu.device.0000:01:00.0.present', 'gpu.device.0000:01:00.0.iommu-group',
      'gpu.device.0000:01:00.1.present', 'gpu.device.0000:01:00.1.iommu-group',
      'gpu.iommu-group-13.driver',
      'gpu.node.cloud.gpu-worker-01.iommu-group-13',
    ])
  })

  void it('with the IOMMU off on an AMD host: the kernel command line fix says amd_iommu=on', async () => {
    const results = await check('iommu-off', {kind: 'cloud', name: 'c', nodes: [{key: 'gpu-worker-01', devices: [GPU, AUDIO]}]})
    const iommu = get(results, 'gpu.host.iommu')
    assert.equal(iommu.ok, false)
    assert.ok(iommu.fix.includes('Add "amd_iommu=on iommu=pt" to GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub'), iommu.fix.join('\n'))
    assert.ok(iommu.fix.some((l) => l.startsWith('sudo update-grub')))
    assert.equal([...results.keys()].some((id) => id.includes('iommu-group')), false)
    // Without groups, the other functions of the same card are bound with it.
    assert.ok(get(results, 'gpu.device-0000:01:00.driver').fix.some((l) => l.includes('ids=10de:2204,10de:1aef')))
  })

  void it('say "enable it in the firmware" when the command line already asks for the IOMMU but no group exists', async () => {
    const {iommuFix} = await import('./fixes.js')
    const fix = iommuFix('intel', ['intel_iommu=on'])
    assert.equal(fix.length, 1)
    assert.match(fix[0] ?? '', /already asks for it \(intel_iommu=on\).*enable VT-d in the firmware/)
  })

  void it('refuse a group shared with an unrelated USB controller, naming it and the ways out', async () => {
    const results = await check('shared-group', {kind: 'hpc', name: 'h', nodes: [{key: 'compute-01', devices: [['0000:02:00.0', 'gpu'], ['0000:02:00.1', 'audio']]}]})
    assert.equal(get(results, 'gpu.iommu-group-15.driver').ok, true)
    const group = get(results, 'gpu.node.hpc.compute-01.iommu-group-15')
    assert.equal(group.ok, false)
    assert.match(group.message, /0000:03:00\.0 \(ASMedia Technology Inc\. ASM2142\/ASM3142 USB 3\.1 Host Controller, bound to xhci_hcd\), an unrelated device, shares the group/)
    assert.doesNotMatch(group.message, /00:1c\./, 'bridges are not blamed')
    assert.ok(group.fix.includes('Add it to the devices of hpc cluster "h" node compute-01: - {pci_address: "0000:03:00.0", device_type: other} (the host then loses it)'), group.fix.join('\n'))
    assert.ok(group.fix.some((l) => l.includes('ids=10de:2204,10de:1aef,1b21:2142')))
    assert.ok(group.fix.some((l) => l.startsWith('Or move the GPU to a PCIe slot')))
  })

  void it('warn that an ids= binding would also take an identical second GPU, and bind by address instead', async () => {
    const root = path.join(await isolatedDir(), 'two-a6000')
    await cp(fixtureRoot('workstation-nvidia'), root, {recursive: true, verbatimSymlinks: true})
    const second = path.join(root, 'sys/bus/pci/devices/0000:02:00.0')
    await mkdir(path.join(root, 'sys/kernel/iommu_groups/14/devices'), {recursive: true})
    await mkdir(second)
    for (const [file, value] of [['class', '0x030000'], ['vendor', '0x10de'], ['device', '0x2230']] as const) await writeFile(path.join(second, file), `${value}\n`)
    await symlink('../../../../bus/pci/drivers/nvidia', path.join(second, 'driver'))
    await symlink('../../../../kernel/iommu_groups/14', path.join(second, 'iommu_group'))
    await symlink('../../../../bus/pci/devices/0000:02:00.0', path.join(root, 'sys/kernel/iommu_groups/14/devices/0000:02:00.0'))
    const results = await passthroughChecks(PciHost.open(root), [makeCluster({kind: 'hpc', name: 'h', nodes: [{key: 'compute-01', devices: [GPU, AUDIO]}]})])
    const driver = results.find((r) => r.id === 'gpu.iommu-group-13.driver')
    assert.ok(driver)
    assert.ok(driver.fix.includes('Careful: 0000:02:00.0 carries the same ids and would be taken from the host too; bind by address instead (next line).'), driver.fix.join('\n'))
  })

  void it('refuse a group split between two nodes of one cluster', async () => {
    const results = await check('workstation-vfio', {kind: 'hpc', name: 'h', nodes: [{key: 'compute-01', devices: [GPU]}, {key: 'compute-02', devices: [AUDIO]}]})
    const group = get(results, 'gpu.node.hpc.compute-01.iommu-group-13')
    assert.equal(group.ok, false)
    assert.match(group.message, /0000:01:00\.1 of the same group is given to hpc cluster "h" node compute-02/)
  })

  void it('report a device absent from the host with where it is configured, once for all clusters sharing it', async () => {
    const results = await check('workstation-vfio',
      {kind: 'hpc', name: 'h', nodes: [{key: 'compute-01', devices: [['0000:42:00.0', 'gpu']]}]},
      {kind: 'cloud', name: 'c', nodes: [{key: 'gpu-worker-01', devices: [['0000:42:00.0', 'gpu']]}]})
    const present = get(results, 'gpu.device.0000:42:00.0.present')
    assert.equal(present.ok, false)
    assert.match(present.message, /requested by hpc cluster "h" node compute-01, cloud cluster "c" node gpu-worker-01\) does not exist/)
    assert.ok(present.fix.includes('Correct clusters.hpc.nodes[0].pcie_passthrough.devices[0].pci_address in hpc cluster "h", or remove the device from node compute-01.'))
    assert.equal([...results.keys()].some((id) => id.endsWith('.driver')), false)
  })

  void it('never read sysfs for a malformed address, and do not check clusters on a remote host from here', async () => {
    const results = await check('workstation-vfio',
      {kind: 'hpc', name: 'h', nodes: [{key: 'compute-01', devices: [['0000:01:00.0/../../x', 'gpu']]}]},
      {kind: 'cloud', name: 'c', libvirtUri: 'qemu+ssh://gpu-box/system', nodes: [{key: 'gpu-worker-01', devices: [GPU]}]})
    assert.equal(get(results, 'gpu.device.malformed-address').ok, false)
    assert.match(get(results, 'gpu.remote.cloud').message, /runs on qemu\+ssh:\/\/gpu-box\/system: its passthrough devices are not checked from this host/)
    assert.equal(results.has('gpu.device.0000:01:00.0.present'), false)
  })
})
