import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {fixtureRoot} from '../test-support/paths.js'
import {HostFs} from './host-fs.js'
import {readHostInfo} from './host-info.js'
import {listPciAddresses, readIommuGroupMembers, readPciFunction} from './pci-sysfs.js'

void describe('sysfs discovery', () => {
  const workstation = new HostFs(fixtureRoot('workstation-nvidia'))

  void it('reads class, ids, subsystem, driver link and IOMMU group link of a function', async () => {
    assert.deepEqual(await readPciFunction(workstation, '0000:01:00.0'), {
      address: '0000:01:00.0', classCode: '030000', vendorId: '10de', deviceId: '2230',
      subsystemVendorId: '10de', subsystemDeviceId: '1459', driver: 'nvidia', iommuGroup: 13,
    })
    const hostBridge = await readPciFunction(workstation, '0000:00:00.0')
    assert.equal(hostBridge?.driver, undefined)
    assert.equal(await readPciFunction(workstation, '0000:42:00.0'), undefined)
  })

  void it('lists every function and the members of a group', async () => {
    assert.deepEqual(await listPciAddresses(workstation), ['0000:00:00.0', '0000:00:01.0', '0000:00:02.0', '0000:00:14.0', '0000:01:00.0', '0000:01:00.1'])
    assert.deepEqual(await readIommuGroupMembers(workstation, 13), ['0000:00:01.0', '0000:01:00.0', '0000:01:00.1'])
    assert.deepEqual(await readIommuGroupMembers(workstation, 99), [])
  })

  void it('sees the IOMMU on from its groups, vfio modules loaded or built in, and the CPU vendor', async () => {
    const nvidia = await readHostInfo(workstation)
    assert.deepEqual(nvidia.iommu, {enabled: true, groups: 4, cmdline: ['intel_iommu=on']})
    assert.deepEqual(nvidia.vfio, {vfio: false, vfio_iommu_type1: false, vfio_pci: false})
    assert.equal(nvidia.cpuVendor, 'intel')
    // vfio is built into this kernel: absent from /proc/modules, present under /sys/module.
    const vfio = await readHostInfo(new HostFs(fixtureRoot('workstation-vfio')))
    assert.deepEqual(vfio.vfio, {vfio: true, vfio_iommu_type1: true, vfio_pci: true})
    assert.deepEqual(vfio.iommu.cmdline, ['intel_iommu=on', 'iommu=pt'])
    const off = await readHostInfo(new HostFs(fixtureRoot('iommu-off')))
    assert.deepEqual(off.iommu, {enabled: false, groups: 0, cmdline: []})
    assert.equal(off.cpuVendor, 'amd')
    assert.equal((await readPciFunction(new HostFs(fixtureRoot('iommu-off')), '0000:01:00.0'))?.iommuGroup, undefined)
  })
})
