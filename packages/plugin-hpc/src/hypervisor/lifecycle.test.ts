/**
 * The golden (rendered) XML driven through VirshHypervisor against libvirt's test driver. Its state
 * lives for one virsh process only, so calls go through replayExec, which replays earlier commands
 * in each new real virsh process: define -> start -> shutdown -> undefine behaves as on a daemon.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'
import {hasCode} from '@ai-how/core'
import {AGENT_SHUTDOWN_TIMEOUT_MS} from './domains.js'
import {replayExec} from './testing/replay-exec.js'
import {VirshHypervisor} from './virsh-hypervisor.js'

const GOLDEN = path.resolve(import.meta.dirname, '../../../../test/golden')
const golden = (file: string): string => readFileSync(path.join(GOLDEN, file), 'utf8')
const FIXTURE_URI = `test://${path.join(import.meta.dirname, 'fixtures', 'node.xml')}`
const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0
const skip = has('virsh') ? false : 'virsh is not installed (apt-get install libvirt-clients)'
const session = (uri = 'test:///default'): VirshHypervisor => new VirshHypervisor({uri, exec: replayExec().exec})
const withCode = (code: string) => (error: unknown) => hasCode(error, code)

void describe('VirshHypervisor lifecycle on rendered XML (test driver, replayed session)', {skip}, () => {
  void it('agent shutdown is `virsh shutdown NAME --mode agent`, bounded; without an answering agent it throws and the domain keeps running', async () => {
    const replay = replayExec()
    const requests: {args: readonly string[]; timeoutMs: number | undefined}[] = []
    const hv = new VirshHypervisor({uri: 'test:///default', exec: (request) => {
      requests.push({args: request.args, timeoutMs: request.timeoutMs})
      return replay.exec(request)
    }})
    await hv.defineDomain(golden('controller.xml'))
    await hv.startDomain('demo-controller')
    await assert.rejects(hv.agentShutdownDomain('demo-controller'), (e: unknown) => hasCode(e, 'HYPERVISOR_COMMAND_FAILED') || hasCode(e, 'HYPERVISOR_UNSUPPORTED'))
    assert.equal(await hv.domainState('demo-controller'), 'running')
    const agent = requests.find((r) => r.args.includes('agent'))
    assert.deepEqual([agent?.args.slice(3), agent?.timeoutMs], [['shutdown', 'demo-controller', '--mode', 'agent'], AGENT_SHUTDOWN_TIMEOUT_MS])
    await assert.rejects(hv.agentShutdownDomain('bad name; reboot'))
    assert.equal(requests.filter((r) => r.args.includes('agent')).length, 1, 'an unsafe name never reaches virsh')
  })

  void it('domain: define -> start -> ACPI shutdown -> start -> force off -> undefine', async () => {
    const hv = session()
    await hv.defineDomain(golden('controller.xml'))
    assert.equal(await hv.domainState('demo-controller'), 'shutoff')
    assert.equal(await hv.domainUuid('demo-controller'), '0b6c2c6e-52a4-4d3e-9a51-3c7f3e0a0001')
    await hv.startDomain('demo-controller')
    assert.equal(await hv.domainState('demo-controller'), 'running')
    const owner = (await hv.describeDomains(['demo-controller'])).get('demo-controller')?.owner
    assert.deepEqual([owner?.cluster, owner?.kind, owner?.role, owner?.volumes.length], ['demo', 'hpc', 'controller', 2])
    await hv.shutdownDomain('demo-controller')
    assert.equal(await hv.domainState('demo-controller'), 'shutoff')
    await hv.startDomain('demo-controller')
    await hv.forceOffDomain('demo-controller')
    assert.equal(await hv.domainState('demo-controller'), 'shutoff')
    await hv.undefineDomain('demo-controller')
    assert.equal(await hv.domainState('demo-controller'), 'absent')
    await assert.rejects(hv.startDomain('demo-controller'), withCode('HYPERVISOR_DOMAIN_NOT_FOUND'))
  })

  void it('domain: the GPU node keeps its contributed hostdevs, and listOwned finds the defined nodes', async () => {
    const hv = session()
    for (const file of ['compute.xml', 'compute-gpu.xml']) await hv.defineDomain(golden(file))
    assert.equal((await hv.domainXml('demo-compute-02')).match(/<hostdev /g)?.length, 2)
    const owned = await hv.listOwned('demo', 'hpc')
    assert.deepEqual(owned.domains.map((d) => d.name).sort(), ['demo-compute-01', 'demo-compute-02'])
    assert.deepEqual(owned.domains.find((d) => d.name === 'demo-compute-02')?.macs, ['46:21:ec:7c:57:d1'])
  })

  void it('network: define, start, autostart, DHCP reservations added and removed live + persistent, destroy, undefine', async () => {
    const hv = session()
    await hv.defineNetwork(golden('network.xml'))
    await hv.startNetwork('demo-network')
    await hv.setNetworkAutostart('demo-network', true)
    const host = {mac: '52:54:00:de:00:09', name: 'demo-compute-09', ip: '192.168.150.19'}
    await hv.addDhcpHost('demo-network', host)
    assert.match(await hv.networkXml('demo-network'), /<host mac='52:54:00:de:00:09' name='demo-compute-09' ip='192.168.150.19'\/>/)
    await assert.rejects(hv.addDhcpHost('demo-network', host), withCode('HYPERVISOR_DHCP_HOST_EXISTS'))
    await hv.removeDhcpHost('demo-network', host)
    assert.doesNotMatch(await hv.networkXml('demo-network'), /demo-compute-09/)
    await hv.removeDhcpHost('demo-network', host)
    assert.deepEqual((await hv.listOwned('demo', 'hpc')).networks.map((n) => [n.name, n.bridge]), [['demo-network', 'br-demo']])
    await hv.destroyNetwork('demo-network')
    await hv.addDhcpHost('demo-network', host)
    assert.match(await hv.networkXml('demo-network'), /demo-compute-09/, 'an inactive network gets the reservation in its persistent config')
    await hv.undefineNetwork('demo-network')
    await assert.rejects(hv.networkXml('demo-network'), withCode('HYPERVISOR_NETWORK_NOT_FOUND'))
  })

  void it('pool and volumes: define, build, start, mark owned, qcow2 overlay with backing store, delete', async () => {
    const hv = session()
    await hv.definePool(golden('pool.xml'))
    await hv.buildPool('demo-pool')
    await hv.startPool('demo-pool')
    await hv.setPoolAutostart('demo-pool', true)
    assert.equal((await hv.listPools()).find((p) => p.name === 'demo-pool')?.owner, undefined)
    await hv.markPoolOwned('demo-pool', {cluster: 'demo', kind: 'hpc'})
    await hv.markPoolOwned('demo-pool', {cluster: 'demo', kind: 'hpc'})
    assert.deepEqual((await hv.listOwned('demo', 'hpc')).pools.map((p) => [p.name, p.path]), [['demo-pool', '/var/lib/libvirt/images/demo']])
    await hv.createVolume('demo-pool', golden('volume.xml'))
    assert.equal(await hv.volumePath('demo-pool', 'demo-compute-01.qcow2'), '/var/lib/libvirt/images/demo/demo-compute-01.qcow2')
    await hv.deleteVolume('demo-pool', 'demo-compute-01.qcow2')
    assert.deepEqual((await hv.listVolumes('demo-pool')).map((v) => v.name), ['ai-how-owner.hpc.demo'])
    await hv.destroyPool('demo-pool')
    await hv.undefinePool('demo-pool')
    assert.equal((await hv.listPools()).some((p) => p.name === 'demo-pool'), false)
  })

  void it('an inactive pool cannot show its marker: listOwned reports it as unverified, not as owned', async () => {
    const hv = session(FIXTURE_URI)
    await hv.destroyPool('demo-pool')
    const owned = await hv.listOwned('demo', 'hpc')
    assert.deepEqual([owned.pools, owned.unverifiedPools.map((p) => p.name)], [[], ['demo-pool']])
  })

  void it('base image: an existing volume is kept; a failed upload leaves no half volume behind', {skip: !has('qemu-img') && 'qemu-img is not installed'}, async () => {
    const hv = session(FIXTURE_URI)
    assert.deepEqual(await hv.importBaseImage('demo-pool', 'demo-base.qcow2', '/nonexistent/never-read.qcow2'), {
      path: '/var/lib/libvirt/images/demo/demo-base.qcow2',
      created: false,
    })
    const image = path.join(mkdtempSync(path.join(tmpdir(), 'ai-how-img-')), 'base.qcow2')
    assert.equal(spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', image, '16M']).status, 0)
    // The test driver has no vol-upload: the import fails after creating the volume, which must be removed again.
    await assert.rejects(hv.importBaseImage('demo-pool', 'new-base.qcow2', image), withCode('HYPERVISOR_COMMAND_FAILED'))
    assert.equal((await hv.listVolumes('demo-pool')).some((v) => v.name === 'new-base.qcow2'), false)
  })
})
