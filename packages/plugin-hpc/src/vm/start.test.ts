/**
 * start of a VM cluster over the in-memory hypervisor: what is created, what a re-run keeps, what a
 * failure undoes (only this run's objects), and what the state file says afterwards.
 */
import path from 'node:path'
import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import {after, describe, it} from 'node:test'
import {StateStore} from '@ai-how/core'
import type {ClusterStateEntry} from '@ai-how/core'
import {readNetworkXml} from './network-xml.js'
import {ClusterManager} from './cluster-manager.js'
import {fixtureCluster, fixtureNode, makeFixture, removeFixtures} from './testing/cluster-fixture.js'
import type {Fixture} from './testing/cluster-fixture.js'

async function entry(f: Fixture): Promise<ClusterStateEntry | undefined> {
  return new StateStore(f.spec.statePath).getEntry('hpc_cluster')
}

async function stateText(f: Fixture): Promise<string> {
  return readFile(f.spec.statePath, 'utf8')
}

const manager = (f: Fixture): ClusterManager => new ClusterManager(f.spec, f.deps)

after(removeFixtures)

void describe('ClusterManager.start', () => {
  void it('creates network, pool, base volume and every node, waits for SSH on all, and records them in the state', async () => {
    const f = await makeFixture(fixtureCluster('lab', 2))
    const result = await manager(f).start(f.run)
    assert.deepEqual(f.hv.inventory(), [
      'domain lab-compute-01', 'domain lab-compute-02', 'domain lab-controller', 'network lab-network', 'pool lab-pool',
      'volume lab-pool/ai-how-owner.hpc.lab', 'volume lab-pool/lab-base.qcow2',
      'volume lab-pool/lab-compute-01-seed.iso', 'volume lab-pool/lab-compute-01.qcow2',
      'volume lab-pool/lab-compute-02-seed.iso', 'volume lab-pool/lab-compute-02.qcow2',
      'volume lab-pool/lab-controller-seed.iso', 'volume lab-pool/lab-controller.qcow2',
    ])
    assert.deepEqual([...f.hv.domains.values()].map((d) => d.state), ['running', 'running', 'running'])
    assert.deepEqual(f.sshCalls, [['lab-controller', 'lab-compute-01', 'lab-compute-02']])
    assert.deepEqual(result.created.sort(), ['lab-compute-01', 'lab-compute-02', 'lab-controller'])
    const hosts = readNetworkXml(await f.hv.networkXml('lab-network')).hosts.map((h) => `${h.name}=${h.ip}`)
    assert.deepEqual(hosts, ['lab-controller=10.50.0.10', 'lab-compute-01=10.50.0.11', 'lab-compute-02=10.50.0.12'])
    const recorded = await entry(f)
    assert.equal(recorded?.status, 'running')
    assert.deepEqual(Object.keys(recorded.nodes).sort(), ['compute-01', 'compute-02', 'controller'])
    const uuid = (await f.hv.describeDomains(['lab-controller'])).get('lab-controller')?.uuid
    assert.equal(recorded.nodes.controller?.vm_id, uuid)
  })

  void it('re-run on a running cluster creates and starts nothing and keeps the same domains', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    await manager(f).start(f.run)
    const uuids = (await entry(f))?.nodes
    f.hv.calls.length = 0
    const again = await manager(f).start(f.run)
    assert.deepEqual(f.hv.calls, [], 'no mutating libvirt call')
    assert.deepEqual(again.created, [])
    assert.deepEqual(again.kept.sort(), ['lab-compute-01', 'lab-controller'])
    assert.equal(f.sshCalls.length, 2, 'SSH is checked again')
    assert.deepEqual((await entry(f))?.nodes, uuids)
  })

  void it('on failure removes exactly what the run created, newest first, and writes no state entry', async () => {
    const f = await makeFixture(fixtureCluster('lab', 2))
    f.sshFailure.error = Object.assign(new Error('lab-compute-02 did not answer SSH'), {code: 'SSH_TIMEOUT', exitCode: 1, actions: []})
    await assert.rejects(manager(f).start(f.run), /did not answer SSH/)
    assert.deepEqual(f.hv.inventory(), [])
    assert.equal(await entry(f), undefined)
    const undone = f.hv.calls.slice(f.hv.calls.indexOf('startDomain lab-compute-02') + 1)
    assert.ok(undone.indexOf('undefineNetwork lab-network') > undone.indexOf('undefinePool lab-pool'), 'the network goes last')
    assert.ok(f.lifecycle.some((c) => c.phase === 'after-stop' && c.node === 'controller'), 'started VMs are released again')
  })

  void it('a failing node of a grown cluster removes only that node: the existing cluster and its state entry are untouched', async () => {
    const small = fixtureCluster('lab', 1)
    const f = await makeFixture(small)
    await manager(f).start(f.run)
    const before = await stateText(f)
    const controllerUuid = (await entry(f))?.nodes.controller?.vm_id
    const grown = {...small, nodes: [...small.nodes, fixtureNode('lab', 'compute-02', 'compute', '10.50.0.12')]}
    f.hv.failOn('startDomain', 'lab-compute-02')
    await assert.rejects(new ClusterManager({...f.spec, cluster: grown}, f.deps).start(f.run), /injected failure of startDomain/)
    assert.deepEqual(f.hv.inventory().filter((o) => o.includes('compute-02')), [])
    assert.ok(f.hv.domains.has('lab-controller') && f.hv.domains.has('lab-compute-01'))
    assert.equal(f.hv.domains.get('lab-controller')?.state, 'running')
    assert.ok(f.hv.inventory().includes('volume lab-pool/lab-base.qcow2'))
    const hosts = readNetworkXml(await f.hv.networkXml('lab-network')).hosts.map((h) => h.name)
    assert.deepEqual(hosts, ['lab-controller', 'lab-compute-01'], 'the DHCP reservation added by the failed run is gone')
    assert.equal(await stateText(f), before)
    assert.equal((await entry(f))?.nodes.controller?.vm_id, controllerUuid)
  })

  void it('refuses a network of the cluster\'s name that ai-how did not create, before creating anything', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    await f.hv.defineNetwork("<network><name>lab-network</name><bridge name='virbr9'/><ip address='10.50.0.1' netmask='255.255.255.0'><dhcp></dhcp></ip></network>")
    f.hv.calls.length = 0
    await assert.rejects(manager(f).start(f.run), (e: {code?: string; message: string}) => e.code === 'NETWORK_FOREIGN' && e.message.includes('lab-network'))
    assert.deepEqual(f.hv.calls, [])
    assert.deepEqual(f.hv.inventory(), ['network lab-network'])
  })

  void it('a GPU held elsewhere (before-start refuses) starts nothing of that node and rolls the run back', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    f.busy.add('compute-01')
    await assert.rejects(manager(f).start(f.run), /held by another VM/)
    assert.ok(!f.hv.calls.includes('startDomain lab-compute-01'))
    assert.deepEqual(f.hv.inventory(), [])
  })

  void it('calls the lifecycle hooks in order around each start: before-start, then the start, then after-start', async () => {
    const f = await makeFixture(fixtureCluster('lab', 0))
    let order: string[] = []
    const hv = f.hv
    const start = hv.startDomain.bind(hv)
    hv.startDomain = async (name) => {
      order.push(`start ${name}`)
      await start(name)
    }
    const lifecycle = f.deps.contributions.lifecycle.bind(f.deps.contributions)
    f.deps.contributions.lifecycle = async (phase, node, uri) => {
      order.push(`${phase} ${node.key}`)
      await lifecycle(phase, node, uri)
    }
    await manager(f).start(f.run)
    assert.deepEqual(order, ['before-start controller', 'start lab-controller', 'after-start controller'])
    order = []
  })

  void it('with --keep-on-failure keeps what it made and records it with status failed', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    f.sshFailure.error = new Error('no SSH')
    await assert.rejects(manager(f).start({...f.run, keepOnFailure: true}), /no SSH/)
    const recorded = await entry(f)
    assert.equal(recorded?.status, 'failed')
    assert.deepEqual(Object.keys(recorded.nodes).sort(), ['compute-01', 'controller'])
    const keys = path.join(f.dir, 'output', 'keys', 'lab')
    assert.ok(Array.isArray(recorded.left_behind), 'left_behind is a list')
    const left = (recorded.left_behind as unknown[]).map((step) => String(step))
    // The shared objects come first, in this order; then each node's steps, nodes in parallel.
    assert.deepEqual(left.slice(0, 6), [
      `host key ${path.join(keys, 'lab-controller.ssh_host_ed25519_key')}`, `host key ${path.join(keys, 'lab-compute-01.ssh_host_ed25519_key')}`,
      `known_hosts ${path.join(keys, 'known_hosts')}`,
      'network lab-network', 'pool lab-pool', 'volume lab-base.qcow2',
    ], 'the shared steps of this run, in the order they were made')
    for (const vm of ['lab-controller', 'lab-compute-01']) {
      assert.deepEqual(left.filter((step) => step.includes(`${vm}.qcow2`) || step.includes(`${vm}-seed`) || step.endsWith(` ${vm}`)),
        [`volume ${vm}.qcow2`, `volume ${vm}-seed.iso`, `domain ${vm}`, `start of ${vm}`], `the steps of ${vm}, in the order they were made`)
    }
    assert.equal(left.length, 6 + 2 * 4, 'every step of this run and nothing else')
    assert.deepEqual(f.hv.inventory(), [
      'domain lab-compute-01', 'domain lab-controller', 'network lab-network', 'pool lab-pool',
      'volume lab-pool/ai-how-owner.hpc.lab', 'volume lab-pool/lab-base.qcow2',
      'volume lab-pool/lab-compute-01-seed.iso', 'volume lab-pool/lab-compute-01.qcow2',
      'volume lab-pool/lab-controller-seed.iso', 'volume lab-pool/lab-controller.qcow2',
    ], 'what was left behind is still there')
  })

  void it('refuses to start when a host check fails, before touching anything', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    f.hostChecks.push({id: 'kvm', ok: false, message: '/dev/kvm is missing', fix: ['modprobe kvm_intel']})
    await assert.rejects(manager(f).start(f.run), (e: {code?: string; actions?: string[]}) => e.code === 'HOST_NOT_READY' && (e.actions ?? []).includes('modprobe kvm_intel'))
    assert.deepEqual(f.hv.calls, [])
  })
})
