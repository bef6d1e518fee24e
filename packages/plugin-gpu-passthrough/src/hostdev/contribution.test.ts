import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {PciHost} from '../host/pci-host.js'
import {makeCluster} from '../test-support/clusters.js'
import {fixtureRoot} from '../test-support/paths.js'
import {nodeContribution, shortVendor} from './contribution.js'
import {hostdevsXml} from './hostdev-xml.js'

void describe('node contribution', () => {
  const host = PciHost.open(fixtureRoot('workstation-vfio'))

  void it('gives a GPU node its hostdevs, no graphics, and a summary naming the GPU from the host', async () => {
    const cluster = makeCluster({kind: 'cloud', name: 'c', nodes: [{key: 'gpu-worker-01', devices: [['0000:01:00.0', 'gpu'], ['0000:01:00.1', 'audio']]}]})
    const node = cluster.nodes[0]
    assert.ok(node)
    const contribution = await nodeContribution(host, cluster, node)
    assert.deepEqual(contribution, {
      devicesXml: hostdevsXml(node.devices),
      disableGraphics: true,
      summary: 'NVIDIA GA102GL [RTX A6000] (0000:01:00.0)',
    })
  })

  void it('contributes nothing to a node without devices, and keeps graphics for a non-GPU device', async () => {
    const cluster = makeCluster({kind: 'hpc', name: 'h', nodes: [{key: 'controller'}, {key: 'compute-01', devices: [['0000:00:14.0', 'other']]}]})
    const [controller, compute] = cluster.nodes
    assert.ok(controller && compute)
    assert.equal(await nodeContribution(host, cluster, controller), undefined)
    const usb = await nodeContribution(host, cluster, compute)
    assert.ok(usb)
    assert.equal(usb.disableGraphics, false)
    assert.equal(usb.summary, 'Intel Cannon Lake PCH USB 3.1 xHCI Host Controller (0000:00:14.0)')
  })

  void it('names a GPU of a remote host from the ids in the config only (never from local sysfs)', async () => {
    const cluster = makeCluster({kind: 'cloud', name: 'c', libvirtUri: 'qemu+ssh://gpu-box/system', nodes: [{key: 'gpu-worker-01', devices: [['0000:01:00.0', 'gpu']]}]})
    const node = cluster.nodes[0]
    assert.ok(node)
    assert.equal((await nodeContribution(host, cluster, node))?.summary, 'GPU 0000:01:00.0')
    const [device] = node.devices
    assert.ok(device)
    device.vendorId = '10de'
    device.deviceId = '2204'
    assert.equal((await nodeContribution(host, cluster, node))?.summary, 'NVIDIA GA102 [GeForce RTX 3090] (0000:01:00.0)')
  })

  void it('shortens vendor names', () => {
    assert.equal(shortVendor('NVIDIA Corporation'), 'NVIDIA')
    assert.equal(shortVendor('Advanced Micro Devices, Inc. [AMD/ATI]'), 'AMD/ATI')
    assert.equal(shortVendor('ASMedia Technology Inc.'), 'ASMedia')
  })
})
