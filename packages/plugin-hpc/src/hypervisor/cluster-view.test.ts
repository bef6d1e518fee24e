/**
 * `describeCluster` on libvirt's test driver (real virsh, no daemon): one virsh process gives the
 * same network and pool summaries as the two-step listings, the existing domains with their states
 * and owners, and undefined / nothing for what does not exist.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {rmSync} from 'node:fs'
import {after, describe, it} from 'node:test'
import {scaleWorld} from '../vm/testing/scale-world.js'
import {countingExec} from './exec.js'
import {VirshHypervisor} from './virsh-hypervisor.js'

const skip = spawnSync('sh', ['-c', 'command -v virsh']).status === 0 ? false : 'virsh is not installed (apt-get install libvirt-clients)'
const world = scaleWorld(['scale-a', 'scale-b', 'scale-c'])
after(() => {
  rmSync(world.dir, {recursive: true, force: true})
})

void describe('describeCluster', {skip}, () => {
  void it('reads network, pool and domains of one cluster in one virsh process, as the listings do', async () => {
    const counter = countingExec()
    const hv = new VirshHypervisor({uri: world.uri, exec: counter.exec})
    const view = await hv.describeCluster({network: 'scale-network', pool: 'scale-pool', domains: ['scale-a', 'scale-b', 'scale-c', 'scale-gone']})
    assert.equal(counter.count('virsh'), 1)
    const [networks, pools] = await Promise.all([hv.listNetworks(), hv.listPools()])
    assert.deepEqual(view.network, networks.find((n) => n.name === 'scale-network'))
    assert.deepEqual(view.pool, pools.find((p) => p.name === 'scale-pool'))
    assert.deepEqual(view.network, {name: 'scale-network', uuid: '7b000000-0000-4000-8000-000000009001', active: true, owner: {cluster: 'scale', kind: 'hpc'}, bridge: 'br-scale'})
    assert.deepEqual(view.pool?.owner, {cluster: 'scale', kind: 'hpc'})
    assert.equal(view.pool.uuid, '7b000000-0000-4000-8000-000000009002')
    assert.deepEqual([...view.domains.keys()], ['scale-a', 'scale-b', 'scale-c'])
    assert.deepEqual([...view.domains.values()].map((d) => d.state), ['running', 'running', 'shutoff'])
    assert.deepEqual(view.domains, await hv.describeDomains(['scale-a', 'scale-b', 'scale-c']))
    assert.deepEqual([...view.managedSaved], [])
  })

  void it('leaves out what does not exist, still in one process', async () => {
    const counter = countingExec()
    const hv = new VirshHypervisor({uri: world.uri, exec: counter.exec})
    const view = await hv.describeCluster({network: 'other-network', pool: 'other-pool', domains: ['other-a']})
    assert.equal(counter.count('virsh'), 1)
    assert.deepEqual(view, {network: undefined, pool: undefined, domains: new Map(), managedSaved: new Set()})
  })

  void it('refuses a name that could reach virsh as more than one word', async () => {
    const hv = new VirshHypervisor({uri: world.uri})
    await assert.rejects(hv.describeCluster({network: 'a;net-destroy x', pool: 'p', domains: []}))
    await assert.rejects(hv.describeCluster({network: 'n', pool: 'p', domains: ['x y']}))
  })
})
