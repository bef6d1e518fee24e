/**
 * `status` on libvirt's test driver (real virsh, in-memory daemon-less driver): a cluster of 3 and
 * one of 30 defined domains cost the same number of virsh processes, and the report covers them all.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {rmSync} from 'node:fs'
import {after, describe, it} from 'node:test'
import {countingExec} from '../hypervisor/exec.js'
import {VirshHypervisor} from '../hypervisor/virsh-hypervisor.js'
import {ClusterManager} from './cluster-manager.js'
import {fixtureCluster, makeFixture, removeFixtures} from './testing/cluster-fixture.js'
import {scaleWorld} from './testing/scale-world.js'

const skip = spawnSync('sh', ['-c', 'command -v virsh']).status === 0 ? false : 'virsh is not installed (apt-get install libvirt-clients)'

function world(names: readonly string[]): string {
  const {uri, dir} = scaleWorld(names)
  worlds.push(dir)
  return uri
}

async function measure(count: number): Promise<{processes: number; states: string[]; untracked: number; changedIp: number; live: number; other: number}> {
  const cluster = fixtureCluster('scale', count - 1, '10.70.0')
  const f = await makeFixture(cluster)
  const counter = countingExec()
  const hv = new VirshHypervisor({uri: world(cluster.nodes.map((n) => n.vmName)), exec: counter.exec})
  const status = await new ClusterManager(f.spec, {...f.deps, hypervisor: hv}).status()
  const drift = (kind: string): number => status.drift.filter((d) => d.kind === kind).length
  return {processes: counter.count('virsh'), states: status.nodes.map((n) => n.state), untracked: drift('untracked'), changedIp: drift('changed'), live: status.nodes.filter((n) => n.ip.live !== null).length, other: status.drift.length - drift('untracked') - drift('changed')}
}

const worlds: string[] = []
after(async () => {
  for (const w of worlds) rmSync(w, {recursive: true, force: true})
  await removeFixtures()
})

void describe('hpc status cost', {skip}, () => {
  void it('spawns the same number of virsh processes for 3 and for 30 defined domains', async () => {
    const three = await measure(3)
    const thirty = await measure(30)
    assert.equal(thirty.processes, three.processes)
    // One batch for network, pool, domains and managed saves, then the running nodes' addresses
    // (DHCP leases, then the agent/ARP fallbacks on the test driver): 3, where the listings took 8.
    assert.ok(three.processes <= 3, `status took ${three.processes} virsh processes`)
    assert.deepEqual(three.states, ['running', 'running', 'shutoff'])
    assert.equal(thirty.states.length, 30)
    assert.equal(thirty.states.filter((s) => s === 'shutoff').length, 10)
    // No state entry: every domain is untracked; the test driver's made-up addresses of the running
    // ones differ from the configured IPs; MAC, vCPUs and memory match (no other drift).
    assert.deepEqual([three.untracked, three.changedIp, three.live, three.other], [3, 2, 2, 0])
    assert.deepEqual([thirty.untracked, thirty.changedIp, thirty.live, thirty.other], [30, 20, 20, 0])
  })
})
