/**
 * `cloud start` after a `cloud stop` that was killed after its drain and its kubelet step, before it
 * shut anything down or wrote the state file: the VMs still run, their nodes cordoned and kubelet
 * stopped, and the state entry still says running with nothing cordoned. Start finds the cordon by
 * ai-how's mark on the nodes and starts the units again on the nodes it did not boot.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {StateStore} from '@ai-how/core'
import {CORDONED_BY, drainNodes} from '../k8s/index.js'
import type {KubernetesEntry} from './options.js'
import {CP, CPU, cloudFixtureWithApi, cloudManager, removeCloudFixtures} from './testing/cloud-fixture.js'

before(async () => {
  await import('@kubernetes/client-node')
})
after(removeCloudFixtures)

void describe('CloudVMManager.start after a killed stop', () => {
  void it('uncordons the nodes the stop cordoned without recording them, and starts kubelet again on the nodes that were running', async (t) => {
    const {f, api} = await cloudFixtureWithApi(t)
    await cloudManager(f).start(f.run)
    const stateBefore = await new StateStore(f.spec.statePath).getEntry('cloud_cluster')
    // What the killed stop did: its drain (the same call), then kubelet stopped on each VM (the fake guest).
    const kubeconfig = (stateBefore?.kubernetes as KubernetesEntry).kubeconfig ?? ''
    const drained = await drainNodes(kubeconfig, [CP, CPU], {timeoutMs: 1000})
    assert.deepEqual(drained.cordoned, [CP, CPU])
    assert.deepEqual((await new StateStore(f.spec.statePath).getEntry('cloud_cluster'))?.kubernetes, stateBefore?.kubernetes, 'nothing was recorded')
    // Both nodes carry ai-how's mark.
    assert.deepEqual(api.nodes.map((n) => n.metadata.annotations?.[CORDONED_BY]), ['cloud-stop', 'cloud-stop'])
    f.guestCalls.length = 0
    api.requests.length = 0

    const result = await cloudManager(f).start(f.run)
    assert.deepEqual([result.created, result.started], [[], []], 'the VMs ran on')
    const k8s = result.kubernetes as {uncordoned: string[]; runtime_started: Record<string, string[]>; healthy: boolean}
    assert.deepEqual(k8s.uncordoned.sort(), [CP, CPU])
    assert.deepEqual(api.nodes.map((n) => [n.spec.unschedulable, n.metadata.annotations?.[CORDONED_BY]]), [[false, undefined], [false, undefined]])
    const starts = f.guestCalls.filter((c) => c.command.join(' ').includes('systemctl start kubelet.service'))
    assert.deepEqual(starts.map((c) => c.host).sort(), ['127.0.0.1', '127.0.0.11'])
    assert.ok(starts.every((c) => c.command.join(' ').includes('systemctl is-enabled --quiet kubelet.service')), 'only units that are enabled')
    assert.deepEqual(k8s.runtime_started, {[CP]: ['kubelet', 'containerd'], [CPU]: ['kubelet', 'containerd']})
    assert.equal(k8s.healthy, true)
    const entry = await new StateStore(f.spec.statePath).getEntry('cloud_cluster')
    assert.deepEqual([entry?.status, (entry?.kubernetes as KubernetesEntry).cordoned], ['running', []])
  })

  void it('a first start boots every node itself: no unit to start, no guest command but the kubeconfig', async (t) => {
    const {f} = await cloudFixtureWithApi(t)
    const result = await cloudManager(f).start(f.run)
    assert.deepEqual((result.kubernetes as {runtime_started: object}).runtime_started, {})
    assert.deepEqual(f.guestCalls.map((c) => c.command.join(' ')), ['sudo -n cat /etc/kubernetes/admin.conf'])
  })
})
