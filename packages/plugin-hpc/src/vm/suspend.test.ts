/**
 * stop --suspend and the start that restores, over the in-memory hypervisor: each running VM's
 * memory saved (no shutdown request), a passthrough VM shut down instead with a warning, the
 * `suspended` status (stop result, state entry, live status), the restore of the same domains
 * without a cloud-init wait, the clock step (agent, else SSH), and destroy leaving no saved image.
 */
import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'
import {StateStore} from '@ai-how/core'
import {renderStatusTable} from '../kit/status-table.js'
import {startSummary, stopSummary} from '../kit/summaries.js'
import {ClusterManager} from './cluster-manager.js'
import {hasPassthrough} from './suspend.js'
import {fixtureCluster, makeFixture, removeFixtures} from './testing/cluster-fixture.js'
import type {Fixture} from './testing/cluster-fixture.js'
import type {SshWaiter} from './types.js'

const manager = (f: Fixture): ClusterManager => new ClusterManager(f.spec, f.deps)
const HOSTDEV = "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x65' slot='0x00' function='0x0'/></source></hostdev>"

after(removeFixtures)

async function uuids(f: Fixture): Promise<string[]> {
  return [...(await f.hv.describeDomains([...f.hv.domains.keys()])).values()].map((d) => `${d.name} ${d.uuid}`).sort()
}

void describe('stop --suspend', () => {
  void it('saves each running VM\'s memory (no shutdown request), records suspended, and status says suspended', async () => {
    const f = await makeFixture(fixtureCluster('lab', 2))
    await manager(f).start(f.run)
    f.lifecycle.length = 0
    const result = await manager(f).stop(f.run, 5000, {suspend: true})
    assert.equal(result.status, 'suspended')
    assert.deepEqual([...result.suspended].sort(), ['lab-compute-01', 'lab-compute-02', 'lab-controller'])
    assert.deepEqual([result.stopped, result.forced, result.warnings], [[], [], []])
    assert.deepEqual(result.nodes.map((n) => n.method), ['suspended', 'suspended', 'suspended'])
    assert.deepEqual(f.hv.calls.filter((c) => /^(shutdownDomain|agentShutdownDomain|forceOffDomain) /.test(c)), [])
    assert.deepEqual(f.sshPowerOffs, [])
    assert.deepEqual([...f.hv.saved].sort(), ['lab-compute-01', 'lab-compute-02', 'lab-controller'])
    assert.equal(f.lifecycle.filter((c) => c.phase === 'after-stop').length, 3)
    assert.match(stopSummary(result), /^✓ hpc cluster lab is suspended: suspended 3, shut down 0, already off 0\n {2}lab-controller {2}suspended {2}memory saved/)
    assert.equal((await new StateStore(f.spec.statePath).getEntry('hpc_cluster'))?.status, 'suspended')
    const status = await manager(f).status()
    assert.equal(status.status, 'suspended')
    assert.deepEqual(status.nodes.map((n) => [n.state, n.suspended]), [['shutoff', true], ['shutoff', true], ['shutoff', true]])
    assert.match(renderStatusTable(status), /^hpc cluster lab: suspended \(state file says suspended\)\n[\s\S]*lab-controller +controller +shutoff \(suspended\)/)
  })

  void it('a VM with a host device passed through is shut down instead, with a warning naming it', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    await manager(f).start(f.run)
    const gpu = f.hv.domains.get('lab-compute-01')
    assert.ok(gpu)
    gpu.xml = gpu.xml.replace('</devices>', `${HOSTDEV}</devices>`)
    const result = await manager(f).stop(f.run, 5000, {suspend: true})
    assert.deepEqual(result.suspended, ['lab-controller'])
    assert.deepEqual(result.nodes.map((n) => [n.name, n.method]), [['lab-controller', 'suspended'], ['lab-compute-01', 'acpi']])
    assert.deepEqual(result.warnings, ['lab-compute-01 has a host device passed through (a GPU) and cannot be saved: it is shut down instead'])
    assert.ok(f.warnings.some((w) => w.endsWith(result.warnings[0] ?? '-')), 'the warning reaches the log')
    assert.equal(result.status, 'suspended')
    assert.deepEqual([...f.hv.saved], ['lab-controller'])
  })

  void it('a VM whose save fails is shut down instead, with a warning', async () => {
    const f = await makeFixture(fixtureCluster('lab', 0))
    await manager(f).start(f.run)
    f.hv.failOn('managedSaveDomain', 'lab-controller')
    const result = await manager(f).stop(f.run, 5000, {suspend: true})
    assert.deepEqual([result.suspended, result.stopped, result.status], [[], ['lab-controller'], 'stopped'])
    assert.match(result.warnings[0] ?? '', /^lab-controller could not be saved \(injected failure of managedSaveDomain\): it is shut down instead$/)
  })

  void it('recognises passthrough from the domain XML', () => {
    assert.equal(hasPassthrough(`<domain><name>x</name><devices>${HOSTDEV}</devices></domain>`), true)
    assert.equal(hasPassthrough("<domain><name>x</name><devices><disk type='file'/></devices></domain>"), false)
  })
})

void describe('start of a suspended cluster', () => {
  void it('restores the same domains, does not wait for cloud-init, steps each clock (agent, else SSH) and records running', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    const cloudInit: [string, boolean][] = []
    const waiter = f.deps.waitForSsh
    const recording: SshWaiter = (nodes, options) => {
      cloudInit.push(...nodes.map((n): [string, boolean] => [n.hostAlias ?? '', n.waitForCloudInit === true]))
      return waiter ? waiter(nodes, options) : Promise.resolve([])
    }
    f.deps.waitForSsh = recording
    await manager(f).start(f.run)
    const before = await uuids(f)
    await manager(f).stop(f.run, 5000, {suspend: true})
    // Their clocks stopped while they were saved.
    f.hv.clockOffsets.set('lab-controller', -42).set('lab-compute-01', -42)
    f.hv.agents.add('lab-controller')
    f.hv.calls.length = 0
    cloudInit.length = 0
    const result = await manager(f).start(f.run)
    assert.deepEqual([...f.hv.restored].sort(), ['lab-compute-01', 'lab-controller'])
    assert.deepEqual([...result.restored].sort(), ['lab-compute-01', 'lab-controller'])
    assert.deepEqual(result.created, [])
    assert.deepEqual(await uuids(f), before, 'the same domains')
    assert.deepEqual(f.hv.saved.size, 0)
    assert.deepEqual(cloudInit.sort(), [['lab-compute-01', false], ['lab-controller', false]])
    const clocks = new Map(result.clock.map((c) => [c.name, c]))
    assert.equal(clocks.get('lab-controller')?.method, 'agent')
    assert.ok(Math.abs((clocks.get('lab-controller')?.offset_before_s ?? 0) + 42) <= 1.01, JSON.stringify(clocks.get('lab-controller')))
    assert.ok(Math.abs(clocks.get('lab-controller')?.offset_after_s ?? 9) <= 1.01)
    assert.deepEqual([clocks.get('lab-compute-01')?.method, clocks.get('lab-compute-01')?.offset_before_s, clocks.get('lab-compute-01')?.offset_after_s], ['ssh', -42, 0])
    assert.deepEqual(clocks.get('lab-compute-01')?.tried, ['agent: Guest agent is not responding: QEMU guest agent is not connected'])
    assert.deepEqual(f.sshClockSteps, ['debian@10.50.0.11 lab-compute-01'])
    assert.ok(f.hv.calls.includes('syncGuestTime lab-controller'))
    assert.deepEqual([...f.hv.clockOffsets.values()], [0, 0])
    assert.match(startSummary(result), /restored from suspend: .*\n.*lab-(controller|compute-01) {2}clock stepped by (agent|ssh) \(was -?[\d.]+ s off, now -?[\d.]+ s\)/)
    assert.equal((await new StateStore(f.spec.statePath).getEntry('hpc_cluster'))?.status, 'running')
  })

  void it('a clock that neither channel can step is a warning naming the node', async () => {
    const f = await makeFixture(fixtureCluster('lab', 0))
    await manager(f).start(f.run)
    await manager(f).stop(f.run, 5000, {suspend: true})
    f.deps.sshClockStep = () => Promise.reject(new Error('sudo: a password is required'))
    const result = await manager(f).start(f.run)
    assert.deepEqual(result.clock.map((c) => [c.name, c.method, c.offset_before_s]), [['lab-controller', 'none', null]])
    assert.ok(f.warnings.some((w) => w.includes('the clock of lab-controller could not be corrected after its restore (agent: ') && w.includes('ssh: sudo: a password is required')), f.warnings.join('\n'))
  })

  void it('start of a stopped (not suspended) cluster restores nothing and steps no clock', async () => {
    const f = await makeFixture(fixtureCluster('lab', 0))
    await manager(f).start(f.run)
    await manager(f).stop(f.run, 5000)
    const result = await manager(f).start(f.run)
    assert.deepEqual([result.restored, result.clock, f.sshClockSteps], [[], [], []])
  })

  void it('destroy of a suspended cluster leaves no saved image', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    await manager(f).start(f.run)
    await manager(f).stop(f.run, 5000, {suspend: true})
    assert.equal(f.hv.saved.size, 2)
    await manager(f).destroy(f.run, {confirmed: true})
    assert.deepEqual([f.hv.saved.size, f.hv.inventory()], [0, []])
  })
})

void describe('a start of a suspended cluster that fails', () => {
  void it('saves the restored VMs\' memory again on rollback, names them, and the next start resumes them', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    await manager(f).start(f.run)
    await manager(f).stop(f.run, 5000, {suspend: true})
    f.sshFailure.error = new Error('no SSH')
    await assert.rejects(manager(f).start(f.run), /no SSH/)
    assert.deepEqual([...f.hv.restored].sort(), ['lab-compute-01', 'lab-controller'], 'the failed start did restore them')
    assert.deepEqual([...f.hv.saved].sort(), ['lab-compute-01', 'lab-controller'], 'their memory is saved again')
    for (const name of ['lab-controller', 'lab-compute-01']) {
      assert.equal(await f.hv.domainState(name), 'shutoff')
      assert.ok(f.warnings.includes(`${name} was restored from its saved memory by this start, which failed: its memory is saved again (the next start resumes it)`), f.warnings.join('\n'))
    }
    delete f.sshFailure.error
    f.hv.restored.length = 0
    const result = await manager(f).start(f.run)
    assert.deepEqual([...result.restored].sort(), ['lab-compute-01', 'lab-controller'])
  })

  void it('a restored VM that cannot be saved again is powered off, with a warning that its memory is lost', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    await manager(f).start(f.run)
    await manager(f).stop(f.run, 5000, {suspend: true})
    f.hv.failOn('managedSaveDomain', 'lab-compute-01')
    f.sshFailure.error = new Error('no SSH')
    await assert.rejects(manager(f).start(f.run), /no SSH/)
    assert.deepEqual([...f.hv.saved], ['lab-controller'])
    assert.equal(await f.hv.domainState('lab-compute-01'), 'shutoff')
    assert.ok(f.warnings.includes('lab-compute-01 was restored from its saved memory by this start, which failed, and could not be saved again (injected failure of managedSaveDomain): it is powered off and that memory is lost'), f.warnings.join('\n'))
  })
})
