/**
 * `cloud stop` and the start that follows it, over the in-memory hypervisor with a fake Kubernetes
 * API: cordon and drain through the API (a PodDisruptionBudget named after --drain-timeout, an API
 * that is down, --skip-drain), kubelet stopped through the GuestRunner, a stopped entry without live
 * Kubernetes facts, and the next start booting the same VMs and uncordoning without a new deploy.
 */
import assert from 'node:assert/strict'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {StateStore} from '@ai-how/core'
import {hasAgentChannel} from '@ai-how/plugin-hpc'
import type {StopResult} from '@ai-how/plugin-hpc'
import {CORDONED_BY} from '../k8s/index.js'
import type {DrainReport} from '../k8s/index.js'
import {closedPort, kubeconfigText} from '../k8s/testing/fake-api.js'
import type {FakeApi} from '../k8s/testing/fake-api.js'
import type {KubernetesEntry} from './options.js'
import {CP, CPU, GPU, NAME, cloudFixtureWithApi, cloudManager, removeCloudFixtures} from './testing/cloud-fixture.js'
import type {CloudFixture} from './testing/cloud-fixture.js'

type CloudStop = StopResult & {drain: DrainReport | {not_run: string}; runtime_stopped: Record<string, string[]>}
const WEB = 'web-7c5ddbdf54-abcde'

/** A started cluster, its API's requests and the guest's commands cleared. */
async function started(t: {after: (fn: () => Promise<void>) => void}): Promise<{f: CloudFixture; api: FakeApi}> {
  const {f, api} = await cloudFixtureWithApi(t)
  await cloudManager(f).start(f.run)
  api.requests.length = 0
  f.guestCalls.length = 0
  f.warnings.length = 0
  return {f, api}
}

const kubernetes = async (f: CloudFixture): Promise<KubernetesEntry> => (await new StateStore(f.spec.statePath).getEntry('cloud_cluster'))?.kubernetes as KubernetesEntry
const stopScripts = (f: CloudFixture): string[] => f.guestCalls.filter((c) => c.command[0] === 'sh').map((c) => c.host).sort()

before(async () => {
  await import('@kubernetes/client-node')
})
after(removeCloudFixtures)

void describe('CloudVMManager.stop', () => {
  void it('cordons and evicts through the API, stops kubelet, shuts the VMs and records stopped without live facts', async (t) => {
    const {f, api} = await started(t)
    assert.ok([...f.hv.domains.values()].every((d) => hasAgentChannel(d.xml)), 'every domain of the cloud kind has the guest agent channel')
    f.hv.agents.add(CP)
    const result = (await cloudManager(f).stop(f.run, 1000)) as CloudStop
    assert.deepEqual(result.nodes.map((n) => [n.name, n.method]).sort(), [[CP, 'agent'], [CPU, 'acpi']], 'the agent where it answers; ACPI where neither it nor SSH took the request')
    const patches = api.requestsTo('PATCH', '/api/v1/nodes/')
    assert.deepEqual(patches.map((r) => [r.path, r.contentType, r.body]).sort(), [
      [`/api/v1/nodes/${CP}`, 'application/merge-patch+json', {metadata: {annotations: {[CORDONED_BY]: 'cloud-stop'}}, spec: {unschedulable: true}}],
      [`/api/v1/nodes/${CPU}`, 'application/merge-patch+json', {metadata: {annotations: {[CORDONED_BY]: 'cloud-stop'}}, spec: {unschedulable: true}}],
    ])
    assert.deepEqual(api.requestsTo('POST', /\/eviction$/).map((r) => r.path), [`/api/v1/namespaces/default/pods/${WEB}/eviction`])
    assert.deepEqual(stopScripts(f), ['127.0.0.1', '127.0.0.11'])
    assert.ok(f.guestCalls.every((c) => c.command.join(' ').includes('sudo -n systemctl stop kubelet.service')))
    assert.deepEqual([...f.hv.domains.values()].map((d) => d.state), ['shutoff', 'shutoff', 'shutoff'])

    assert.equal(result.status, 'stopped')
    assert.deepEqual(result.stopped.sort(), [CP, CPU])
    const drain = result.drain as DrainReport
    assert.equal(drain.reachable, true)
    assert.deepEqual(drain.cordoned, [CP, CPU])
    assert.deepEqual(drain.evicted.map((p) => p.name), [WEB])
    assert.deepEqual(drain.blocked, [])
    assert.deepEqual(result.runtime_stopped, {[CP]: ['kubelet', 'containerd'], [CPU]: ['kubelet', 'containerd']})

    const entry = await new StateStore(f.spec.statePath).getEntry('cloud_cluster')
    assert.equal(entry?.status, 'stopped')
    assert.equal(entry.nodes['control-plane']?.state, 'shutoff')
    const k8s = await kubernetes(f)
    assert.equal(k8s.healthy, null, 'no stale healthy: true on a stopped cluster')
    assert.equal(k8s.checked_at, null)
    assert.equal(k8s.nodes_ready, undefined)
    assert.deepEqual(k8s.cordoned, [CP, CPU])
    assert.equal(k8s.kubeconfig, path.join(f.spec.outputDir, NAME, 'kubeconfig'))
  })

  void it('names a pod that a PodDisruptionBudget keeps within --drain-timeout, and still stops', async (t) => {
    const {f, api} = await started(t)
    api.pdbBlocked.set(`default/${WEB}`, 'web-pdb')
    const begun = Date.now()
    const result = (await cloudManager(f, {drainTimeoutMs: 1000}).stop(f.run, 1000)) as CloudStop
    assert.ok(Date.now() - begun < 5000, `took ${Date.now() - begun} ms`)
    const drain = result.drain as DrainReport
    assert.deepEqual(drain.blocked.map((p) => [p.namespace, p.name, p.node]), [['default', WEB, CPU]])
    assert.match(drain.blocked[0]?.reason ?? '', /disruption budget web-pdb/)
    assert.ok(f.warnings.some((w) => w.includes(`pod default/${WEB} was not evicted within --drain-timeout`)), f.warnings.join('\n'))
    assert.equal(result.status, 'stopped')
    assert.deepEqual(stopScripts(f), ['127.0.0.1', '127.0.0.11'])
    assert.deepEqual((await kubernetes(f)).cordoned, [CP, CPU])
  })

  void it('with the API down warns and still stops the VMs', async (t) => {
    const {f, api} = await started(t)
    const kubeconfig = path.join(f.spec.outputDir, NAME, 'kubeconfig')
    await writeFile(kubeconfig, kubeconfigText({server: `https://127.0.0.1:${await closedPort()}`, caCert: api.caCert, token: api.token}), {mode: 0o600})
    const result = (await cloudManager(f).stop(f.run, 1000)) as CloudStop
    assert.equal((result.drain as DrainReport).reachable, false)
    assert.ok(f.warnings.some((w) => w.includes('the Kubernetes API did not answer') && w.includes('stopping without a drain')), f.warnings.join('\n'))
    assert.equal(result.status, 'stopped')
    assert.deepEqual(stopScripts(f), ['127.0.0.1', '127.0.0.11'])
    assert.deepEqual([...f.hv.domains.values()].map((d) => d.state), ['shutoff', 'shutoff', 'shutoff'])
    const k8s = await kubernetes(f)
    assert.deepEqual([k8s.healthy, k8s.cordoned], [null, []])
  })

  void it('--skip-drain makes no API request and still stops kubelet and the VMs', async (t) => {
    const {f, api} = await started(t)
    const result = (await cloudManager(f, {skipDrain: true}).stop(f.run, 1000)) as CloudStop
    assert.deepEqual(api.requests, [])
    assert.deepEqual(result.drain, {not_run: '--skip-drain'})
    assert.equal(result.status, 'stopped')
    assert.deepEqual(stopScripts(f), ['127.0.0.1', '127.0.0.11'])
  })
})

void describe('CloudVMManager.start of a stopped cluster', () => {
  void it('boots the same VMs, uncordons what stop cordoned, checks health, and does not deploy again', async (t) => {
    const {f, api} = await started(t)
    const uuids = async (): Promise<string[]> => Promise.all([CP, CPU, GPU].map((n) => f.hv.domainUuid(n)))
    const before = await uuids()
    await cloudManager(f).stop(f.run, 1000)
    api.requests.length = 0
    f.deployCalls.length = 0
    const result = await cloudManager(f).start(f.run)
    assert.deepEqual(result.created, [])
    assert.deepEqual(result.started.sort(), [CP, CPU])
    assert.deepEqual(await uuids(), before)
    assert.deepEqual(f.deployCalls, [], 'no new deploy: nothing was created and the last one succeeded')
    assert.deepEqual(result.deploy, {ran: false, reason: 'no VM was created and the last deploy of this playbook succeeded'})
    const patches = api.requestsTo('PATCH', '/api/v1/nodes/')
    assert.deepEqual(patches.map((r) => [r.path, r.body]).sort(), [
      [`/api/v1/nodes/${CP}`, {metadata: {annotations: {[CORDONED_BY]: null}}, spec: {unschedulable: false}}],
      [`/api/v1/nodes/${CPU}`, {metadata: {annotations: {[CORDONED_BY]: null}}, spec: {unschedulable: false}}],
    ])
    assert.deepEqual(api.nodes.map((n) => n.spec.unschedulable), [false, false])
    assert.deepEqual((result.kubernetes as {uncordoned: string[]}).uncordoned.sort(), [CP, CPU])
    const entry = await new StateStore(f.spec.statePath).getEntry('cloud_cluster')
    assert.equal(entry?.status, 'running')
    const k8s = entry.kubernetes as KubernetesEntry
    assert.deepEqual([k8s.healthy, k8s.cordoned], [true, []])
    assert.equal((entry.deploy as {ok: boolean}).ok, true)
  })
})
