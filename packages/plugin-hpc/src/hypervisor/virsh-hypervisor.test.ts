/**
 * VirshHypervisor against libvirt's test driver seeded from fixtures/node.xml (real virsh, no
 * daemon): reads, ownership by metadata and marker volume (the IP lookup chain: addresses.test.ts).
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import path from 'node:path'
import {describe, it} from 'node:test'
import {VirshHypervisor} from './virsh-hypervisor.js'

const FIXTURE_URI = `test://${path.join(import.meta.dirname, 'fixtures', 'node.xml')}`
const skip = spawnSync('sh', ['-c', 'command -v virsh']).status === 0 ? false : 'virsh is not installed (apt-get install libvirt-clients)'
const hv = new VirshHypervisor({uri: FIXTURE_URI})

void describe('VirshHypervisor reads (test driver fixture)', {skip}, () => {
  void it('uses the configured URI, else LIBVIRT_DEFAULT_URI, else qemu:///system', () => {
    assert.equal(hv.uri, FIXTURE_URI)
    const saved = process.env.LIBVIRT_DEFAULT_URI
    try {
      process.env.LIBVIRT_DEFAULT_URI = 'qemu+ssh://host/system'
      assert.equal(new VirshHypervisor().uri, 'qemu+ssh://host/system')
      delete process.env.LIBVIRT_DEFAULT_URI
      assert.equal(new VirshHypervisor().uri, 'qemu:///system')
    } finally {
      if (saved === undefined) delete process.env.LIBVIRT_DEFAULT_URI
      else process.env.LIBVIRT_DEFAULT_URI = saved
    }
  })

  void it('lists every domain with its state, foreign names with spaces included', async () => {
    const domains = await hv.listDomains()
    assert.deepEqual(
      domains.map((d) => [d.name, d.state]),
      [
        ['demo-compute-01', 'shutoff'],
        ['demo-controller', 'running'],
        ['demo-impostor', 'running'],
        ['foreign vm', 'running'],
        ['other-controller', 'running'],
      ],
    )
    assert.equal(domains.find((d) => d.name === 'demo-controller')?.uuid, '6f0c1f6e-3c1a-4a53-9b1e-000000000001')
  })

  void it('reads one state, many states, and "absent" for a domain that does not exist', async () => {
    assert.equal(await hv.domainState('demo-controller'), 'running')
    assert.equal(await hv.domainState('demo-compute-99'), 'absent')
    const states = await hv.domainStates(['demo-controller', 'demo-compute-01', 'demo-compute-99'])
    assert.deepEqual([...states], [['demo-controller', 'running'], ['demo-compute-01', 'shutoff'], ['demo-compute-99', 'absent']])
  })

  void it('describes domains: UUID, MACs and the ai-how owner with the volumes it owns', async () => {
    const details = await hv.describeDomains(['demo-controller', 'demo-compute-01', 'demo-impostor', 'demo-compute-99'])
    assert.deepEqual([...details.keys()], ['demo-controller', 'demo-compute-01', 'demo-impostor'])
    assert.deepEqual(details.get('demo-controller')?.owner, {
      cluster: 'demo',
      kind: 'hpc',
      role: 'controller',
      node: 'controller',
      volumes: [
        {pool: 'demo-pool', volume: 'demo-controller.qcow2'},
        {pool: 'demo-pool', volume: 'demo-controller-seed.iso'},
      ],
    })
    // Another prefix for the same namespace is still ai-how's; MACs come back lower case.
    assert.equal(details.get('demo-compute-01')?.owner?.node, 'compute-01')
    assert.deepEqual(details.get('demo-compute-01')?.macs, ['52:54:00:de:00:02'])
    // An <owner> in another namespace is not ai-how's, whatever its attributes say.
    assert.equal(details.get('demo-impostor')?.owner, undefined)
    assert.equal(await hv.domainUuid('demo-compute-01'), '6f0c1f6e-3c1a-4a53-9b1e-000000000002')
    assert.match(await hv.domainXml('demo-compute-01'), /<name>demo-compute-01<\/name>/)
  })

  void it('lists networks and pools with their owners (network metadata, pool marker volume)', async () => {
    const networks = await hv.listNetworks()
    assert.deepEqual(
      networks.map((n) => [n.name, n.owner, n.bridge, n.active]),
      [
        ['demo-network', {cluster: 'demo', kind: 'hpc'}, 'br-demo', true],
        ['lab', undefined, 'br-lab', true],
      ],
    )
    const pools = await hv.listPools()
    assert.deepEqual(
      pools.map((p) => [p.name, p.owner, p.path]),
      [
        ['demo-pool', {cluster: 'demo', kind: 'hpc'}, '/var/lib/libvirt/images/demo'],
        ['demo-pool-foreign', undefined, '/srv/images'],
      ],
    )
    assert.deepEqual(
      (await hv.listVolumes('demo-pool')).map((v) => v.name),
      ['ai-how-owner.hpc.demo', 'demo-base.qcow2', 'demo-controller.qcow2'],
    )
    assert.equal(await hv.volumePath('demo-pool', 'demo-base.qcow2'), '/var/lib/libvirt/images/demo/demo-base.qcow2')
    assert.match(await hv.networkXml('demo-network'), /<host mac='52:54:00:de:00:01' name='demo-controller' ip='192.168.150.10'\/>/)
  })

  void it('listOwned finds exactly cluster demo / kind hpc: not the other cluster, the impostor or foreign objects', async () => {
    const owned = await hv.listOwned('demo', 'hpc')
    assert.deepEqual(owned.domains.map((d) => d.name).sort(), ['demo-compute-01', 'demo-controller'])
    assert.deepEqual(owned.networks.map((n) => n.name), ['demo-network'])
    assert.deepEqual(owned.pools.map((p) => p.name), ['demo-pool'])
    assert.deepEqual(owned.unverifiedPools, [])
    const other = await hv.listOwned('other', 'hpc')
    assert.deepEqual(other.domains.map((d) => d.name), ['other-controller'])
    assert.deepEqual([other.networks, other.pools], [[], []])
    assert.deepEqual((await hv.listOwned('demo', 'cloud')).domains, [])
  })

  void it('refuses names that could smuggle arguments or commands into virsh', async () => {
    for (const name of ['x; destroy demo-controller', '--all', 'a b', "it's"]) {
      await assert.rejects(hv.domainState(name), /unsafe libvirt domain name/)
    }
    await assert.rejects(hv.describeDomains(['demo-controller ; undefine demo-controller']), /unsafe libvirt domain name/)
  })
})
