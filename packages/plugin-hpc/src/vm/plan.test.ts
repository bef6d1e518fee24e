/** plan: what start would do, compared with the live objects, and that planning changes nothing. */
import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'
import {ClusterManager} from './cluster-manager.js'
import {planCluster} from './plan.js'
import {fixtureCluster, fixtureNode, makeFixture, removeFixtures} from './testing/cluster-fixture.js'

after(removeFixtures)

const actions = (items: {object: string; name: string; action: string}[]): string[] => items.map((i) => `${i.action} ${i.object} ${i.name}`)

void describe('planCluster', () => {
  void it('on an empty host plans every object as create and creates nothing', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    const report = await planCluster(f.spec, f.deps, true)
    assert.deepEqual(actions(report.items), [
      'create network lab-network',
      'create pool lab-pool',
      'create volume lab-base.qcow2',
      'create volume lab-controller.qcow2',
      'create volume lab-controller-seed.iso',
      'create domain lab-controller',
      'create volume lab-compute-01.qcow2',
      'create volume lab-compute-01-seed.iso',
      'create domain lab-compute-01',
    ])
    assert.equal((await f.hv.listDomains()).length, 0)
    assert.equal((await f.hv.listNetworks()).length, 0)
    const domain = report.items.find((i) => i.name === 'lab-compute-01' && i.object === 'domain')
    assert.match(domain?.xml ?? '', /<mac address='[0-9a-f:]{17}'\/>/)
    assert.equal(domain?.details.ip, '10.50.0.11')
  })

  void it('after start keeps everything; a new node is a create and a changed DHCP list a change', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    await new ClusterManager(f.spec, f.deps).start(f.run)
    const kept = await planCluster(f.spec, f.deps, false)
    assert.ok(kept.items.every((i) => i.action === 'keep'), actions(kept.items).join('\n'))
    f.spec.cluster.nodes.push(fixtureNode('lab', 'compute-02', 'compute', '10.50.0.12'))
    const grown = await planCluster(f.spec, f.deps, false)
    assert.equal(grown.items.find((i) => i.object === 'network')?.action, 'change')
    assert.match(grown.items.find((i) => i.object === 'network')?.reason ?? '', /\+lab-compute-02=10\.50\.0\.12/)
    assert.deepEqual(actions(grown.items.filter((i) => i.action === 'create')), ['create volume lab-compute-02.qcow2', 'create volume lab-compute-02-seed.iso', 'create domain lab-compute-02'])
  })

  void it('shows a network of the cluster\'s name that ai-how did not create as a conflict', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    await f.hv.defineNetwork("<network><name>lab-network</name><bridge name='br-other'/></network>")
    const report = await planCluster(f.spec, f.deps, false)
    const network = report.items.find((i) => i.object === 'network')
    assert.equal(network?.action, 'conflict')
    assert.match(network.reason, /not created by ai-how/)
  })

  void it('shows a domain of a node\'s name that ai-how did not create as a conflict (start refuses it), and plans the other nodes', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    await f.hv.defineDomain("<domain type='kvm'><name>lab-compute-01</name><memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>")
    const report = await planCluster(f.spec, f.deps, true)
    assert.deepEqual(actions(report.items).slice(-2), ['create domain lab-controller', 'conflict domain lab-compute-01'])
    const domain = report.items.find((i) => i.name === 'lab-compute-01')
    assert.equal(domain?.reason, 'exists, not created by ai-how: start refuses it')
    assert.match(domain.xml ?? '', /<name>lab-compute-01<\/name>/, 'the XML shown is the live domain\'s')
  })

  void it('says start restores the saved memory of a VM suspended by stop --suspend, and boots a stopped one', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    const cm = new ClusterManager(f.spec, f.deps)
    await cm.start(f.run)
    await cm.stop(f.run, 5000, {suspend: true})
    // The compute node's saved image is dropped: it boots afresh, the controller is restored.
    await f.hv.removeManagedSave('lab-compute-01')
    const report = await planCluster(f.spec, f.deps, false)
    const reason = (name: string): string | undefined => report.items.find((i) => i.object === 'domain' && i.name === name)?.reason
    assert.equal(reason('lab-controller'), 'exists, shutoff, its memory saved by stop --suspend: start restores the saved memory (no boot)')
    assert.equal(reason('lab-compute-01'), 'exists, shutoff: start boots it')
    assert.deepEqual(report.items.filter((i) => i.object === 'domain').map((i) => i.action), ['change', 'change'])
  })
})
