/**
 * `cloud stop --suspend` and the start that restores, over the in-memory hypervisor with a fake
 * Kubernetes API: the drain stays, kubelet is left running in the saved memory, the VMs are saved
 * (not shut down), the entry says suspended; start restores the same VMs, steps their clocks,
 * uncordons what the stop cordoned and checks health, without a new deploy.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {StateStore} from '@ai-how/core'
import {CP, CPU, GPU, cloudFixtureWithApi, cloudManager, removeCloudFixtures} from './testing/cloud-fixture.js'
import type {KubernetesEntry} from './options.js'

before(async () => {
  await import('@kubernetes/client-node')
})
after(removeCloudFixtures)

void describe('CloudVMManager stop --suspend and start', () => {
  void it('drains, keeps kubelet running, saves the VMs; start restores them, steps their clocks, uncordons and checks health', async (t) => {
    const {f, api} = await cloudFixtureWithApi(t)
    await cloudManager(f).start(f.run)
    const uuids = async (): Promise<string[]> => Promise.all([CP, CPU, GPU].map((n) => f.hv.domainUuid(n)))
    const before = await uuids()
    f.guestCalls.length = 0
    const stop = await cloudManager(f).stop(f.run, 1000, {suspend: true})
    assert.equal(stop.status, 'suspended')
    assert.deepEqual([...stop.suspended].sort(), [CP, CPU])
    assert.deepEqual(api.nodes.map((n) => n.spec.unschedulable), [true, true], 'the drain cordoned them')
    assert.deepEqual(f.guestCalls.filter((c) => c.command.join(' ').includes('systemctl stop kubelet')), [], 'kubelet stays running in the saved memory')
    assert.equal((await new StateStore(f.spec.statePath).getEntry('cloud_cluster'))?.status, 'suspended')
    f.hv.agents.add(CP).add(CPU)
    f.hv.clockOffsets.set(CP, -30).set(CPU, -30)
    f.deployCalls.length = 0
    const start = await cloudManager(f).start(f.run)
    assert.deepEqual([...start.restored].sort(), [CP, CPU])
    assert.deepEqual(await uuids(), before)
    assert.deepEqual(start.clock.map((c) => c.method), ['agent', 'agent'])
    assert.deepEqual([...f.hv.clockOffsets.values()], [0, 0])
    assert.deepEqual(f.deployCalls, [], 'no new deploy')
    assert.deepEqual(api.nodes.map((n) => n.spec.unschedulable), [false, false], 'uncordoned')
    const entry = await new StateStore(f.spec.statePath).getEntry('cloud_cluster')
    assert.equal(entry?.status, 'running')
    assert.equal((entry.kubernetes as KubernetesEntry).healthy, true)
  })
})
