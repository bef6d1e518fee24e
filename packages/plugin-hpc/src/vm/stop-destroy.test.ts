/**
 * stop, a later start, status and destroy of a VM cluster over the in-memory hypervisor: ACPI then
 * power-off, the same domains booted again, drift, and destroy by ownership alone.
 */
import assert from 'node:assert/strict'
import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {StateStore} from '@ai-how/core'
import {stopSummary} from '../kit/summaries.js'
import {ClusterManager} from './cluster-manager.js'
import {fixtureCluster, fixtureDir, makeFixture, removeFixtures} from './testing/cluster-fixture.js'
import type {Fixture} from './testing/cluster-fixture.js'

const manager = (f: Fixture): ClusterManager => new ClusterManager(f.spec, f.deps)

async function uuids(f: Fixture): Promise<string[]> {
  return [...(await f.hv.describeDomains([...f.hv.domains.keys()])).values()].map((d) => d.uuid).sort()
}

after(removeFixtures)

void describe('ClusterManager.stop and a later start', () => {
  void it('shuts down by ACPI, powers off a VM that ignores it after the timeout (a warning naming it), releases, and records stopped', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    await manager(f).start(f.run)
    f.hv.ignoresAcpi.add('lab-compute-01')
    f.lifecycle.length = 0
    const result = await manager(f).stop(f.run, 50)
    assert.deepEqual(result.stopped, ['lab-controller'])
    assert.deepEqual(result.forced, ['lab-compute-01'])
    assert.deepEqual(result.nodes.map((n) => [n.name, n.method]), [['lab-controller', 'acpi'], ['lab-compute-01', 'forced']])
    assert.equal(result.warnings.length, 1)
    assert.match(result.warnings[0] ?? '', /^lab-compute-01 was still running after 0 s and was powered off by force \(agent: .*not connected; ssh: no SSH session \(test\); acpi: request sent\)$/)
    assert.deepEqual(f.warnings.filter((w) => w.includes('powered off by force')).length, 1, 'the warning reaches the log (stderr) too')
    assert.match(stopSummary(result), /^! hpc cluster lab is stopped: .*\n {2}lab-controller {2}acpi {2}ACPI \([\d.]+ s\)\n {2}lab-compute-01 {2}forced {2}FORCED off after the timeout \([\d.]+ s\)$/)
    assert.equal(result.status, 'stopped')
    assert.deepEqual([...f.hv.domains.values()].map((d) => d.state), ['shutoff', 'shutoff'])
    assert.deepEqual(f.lifecycle.map((c) => `${c.phase} ${c.node}`).sort(), ['after-stop compute-01', 'after-stop controller'])
    const entry = await new StateStore(f.spec.statePath).getEntry('hpc_cluster')
    assert.equal(entry?.status, 'stopped')
    assert.equal(entry.nodes.controller?.state, 'shutoff')
  })

  void it('asks each node through the guest agent where it answers, else over SSH with the cluster key at its address', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    await manager(f).start(f.run)
    f.hv.agents.add('lab-controller')
    f.hv.ignoresAcpi.add('lab-controller').add('lab-compute-01')
    const keys: string[] = []
    f.deps.sshPowerOff = (target) => {
      f.sshPowerOffs.push(`${target.user}@${target.host} ${target.hostAlias ?? ''}`)
      keys.push(`${String(target.privateKey).includes('OPENSSH PRIVATE KEY')} ${target.knownHostsFile}`)
      const d = f.hv.domains.get(target.hostAlias ?? '')
      if (d) d.state = 'shutoff'
      return Promise.resolve({accepted: true, detail: 'poweroff accepted'})
    }
    const result = await manager(f).stop(f.run, 5000)
    assert.deepEqual(result.nodes.map((n) => [n.name, n.method]).sort(), [['lab-compute-01', 'ssh'], ['lab-controller', 'agent']])
    assert.deepEqual(f.sshPowerOffs, ['debian@10.50.0.11 lab-compute-01'])
    assert.deepEqual(keys, [`true ${f.spec.ssh.knownHostsFile}`])
    assert.deepEqual([result.forced, result.warnings], [[], []])
    assert.match(stopSummary(result), /^✓ hpc cluster lab is stopped: shut down 2, already off 0\n/)
  })

  void it('start of a stopped cluster boots the same domains (same UUIDs) and defines nothing', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    await manager(f).start(f.run)
    const before = await uuids(f)
    await manager(f).stop(f.run, 1000)
    f.hv.calls.length = 0
    const result = await manager(f).start(f.run)
    assert.deepEqual(result.created, [])
    assert.deepEqual(result.started.sort(), ['lab-compute-01', 'lab-controller'])
    assert.deepEqual(f.hv.calls.filter((c) => !c.startsWith('startDomain')), [])
    assert.deepEqual(await uuids(f), before)
    assert.equal((await new StateStore(f.spec.statePath).getEntry('hpc_cluster'))?.status, 'running')
  })
})

void describe('ClusterManager.status', () => {
  void it('reports live states and drift without writing anything', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    await manager(f).start(f.run)
    f.hv.addresses.set('lab-controller', '10.50.0.10')
    f.hv.addresses.set('lab-compute-01', '10.50.0.99')
    await f.hv.forceOffDomain('lab-compute-01')
    await f.hv.undefineDomain('lab-compute-01')
    const before = await readFile(f.spec.statePath, 'utf8')
    const calls = f.hv.calls.length
    const status = await manager(f).status()
    assert.equal(status.status, 'partial')
    assert.deepEqual(status.nodes.map((n) => [n.name, n.state, n.ip.live]), [['lab-controller', 'running', '10.50.0.10'], ['lab-compute-01', 'absent', null]])
    assert.deepEqual(status.drift.map((d) => `${d.kind} ${d.object}`), ['missing domain lab-compute-01'])
    assert.equal(await readFile(f.spec.statePath, 'utf8'), before)
    assert.equal(f.hv.calls.length, calls, 'no mutating call')
  })
})

void describe('ClusterManager.destroy', () => {
  void it('removes everything ai-how owns of the cluster, found without a state entry, and nothing of a cluster sharing its prefix', async () => {
    const dir = await fixtureDir()
    const a = await makeFixture(fixtureCluster('lab', 1, '10.60.0'), dir)
    await manager(a).start(a.run)
    // A second cluster "lab-2" (same name prefix) on the same hypervisor, and a foreign domain "lab-extra".
    const b = {...(await makeFixture(fixtureCluster('lab-2', 1, '10.61.0'), dir)), hv: a.hv}
    const bDeps = {...b.deps, hypervisor: a.hv}
    await new ClusterManager({...b.spec, statePath: path.join(dir, 'b-state.json')}, bDeps).start(b.run)
    await a.hv.defineDomain("<domain type='qemu'><name>lab-extra</name><memory>1</memory></domain>")
    await new StateStore(a.spec.statePath).setEntry('hpc_cluster', undefined)
    const lab2 = a.hv.inventory().filter((o) => o.includes('lab-2'))
    const result = await manager(a).destroy(a.run, {confirmed: true})
    assert.deepEqual(result.domains.sort(), ['lab-compute-01', 'lab-controller'])
    assert.deepEqual(result.pools, ['lab-pool'])
    assert.deepEqual(result.networks, ['lab-network'])
    assert.deepEqual(a.hv.inventory().filter((o) => !o.includes('lab-2')), ['domain lab-extra'])
    assert.deepEqual(a.hv.inventory().filter((o) => o.includes('lab-2')), lab2)
    assert.deepEqual(a.lifecycle.filter((c) => c.phase === 'after-destroy').map((c) => c.node).sort(), ['compute-01', 'controller'])
  })

  void it('powers running VMs off at once (no graceful wait), removes the state entry (others kept), and archives the last entry', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    await manager(f).start(f.run)
    await new StateStore(f.spec.statePath).update((doc) => { doc.cloud_cluster = {name: 'other', config_file: 'x', status: 'running', nodes: {}} })
    const result = await manager(f).destroy(f.run, {confirmed: true})
    assert.deepEqual(f.hv.calls.filter((c) => /^(shutdownDomain|agentShutdownDomain) /.test(c)), [], 'no ACPI or agent request, no wait')
    assert.deepEqual(f.sshPowerOffs, [], 'no poweroff over SSH')
    assert.ok(f.hv.calls.indexOf('forceOffDomain lab-controller') < f.hv.calls.indexOf('undefineDomain lab-controller'))
    assert.deepEqual([...result.forced].sort(), ['lab-compute-01', 'lab-controller'])
    assert.deepEqual(f.hv.inventory(), [])
    const doc = await new StateStore(f.spec.statePath).read()
    assert.equal(doc.hpc_cluster, undefined)
    assert.equal((doc.cloud_cluster as {name: string}).name, 'other')
    assert.ok(result.archive?.includes('hpc-cluster-destroyed-'))
    const archived = JSON.parse(await readFile(path.join(result.archive ?? '', 'state-entry.json'), 'utf8')) as {entry: {name: string}}
    assert.equal(archived.entry.name, 'lab')
    assert.deepEqual(await readdir(path.join(f.spec.outputDir, 'keys', 'lab')), ['id_ed25519', 'id_ed25519.pub'], 'known_hosts is gone')
  })

  void it('refuses without confirmation (exit 2) and touches nothing', async () => {
    const f = await makeFixture(fixtureCluster('lab', 0))
    await manager(f).start(f.run)
    const calls = f.hv.calls.length
    await assert.rejects(manager(f).destroy(f.run, {confirmed: false}), (e: {exitCode?: number}) => e.exitCode === 2)
    assert.equal(f.hv.calls.length, calls)
  })
})
