import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {CORDONED_BY, CREDENTIALS_REFUSED, drainNodes, uncordonNodes} from './index.js'
import type {DrainEvent, DrainReport} from './index.js'
import {closedPort, kubeconfigText, nodeObject, podObject, startFakeApi} from './testing/fake-api.js'
import type {FakeApi, NodeObject, PodObject} from './testing/fake-api.js'
import {testTls} from './testing/tls.js'

const W1 = 'cloud-cpu-worker-01'
const W2 = 'cloud-cpu-worker-02'
const fast = {retryIntervalMs: 100, pollIntervalMs: 50, requestTimeoutMs: 1000}

function workload(): {nodes: NodeObject[]; pods: PodObject[]} {
  return {
    nodes: [nodeObject('cloud-cp', {controlPlane: true}), nodeObject(W1), nodeObject(W2)],
    pods: [
      podObject('web-7c5ddbdf54-abcde', {node: W1}),
      podObject('web-7c5ddbdf54-fghij', {node: W1}),
      podObject('db-0', {namespace: 'data', node: W2, owner: 'StatefulSet'}),
      podObject('calico-node-4kq9z', {namespace: 'kube-system', node: W1, owner: 'DaemonSet'}),
      podObject(`nginx-proxy-${W1}`, {namespace: 'kube-system', node: W1, owner: 'Node'}),
      podObject('coredns-5d78c9869d-x7k2p', {namespace: 'kube-system', node: 'cloud-cp'}),
    ],
  }
}

const names = (pods: {namespace: string; name: string}[]): string[] => pods.map((p) => `${p.namespace}/${p.name}`).sort()

void describe('drainNodes and uncordonNodes', () => {
  let dir = ''
  let api: FakeApi
  let kubeconfig = ''
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-drain-'))
    // The client library takes a second or more to import: not part of the timings checked here.
    await import('@kubernetes/client-node')
  })
  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })
  const start = async (): Promise<void> => {
    api = await startFakeApi(workload())
    kubeconfig = await api.writeKubeconfig(path.join(dir, `admin-${api.port}.conf`))
  }
  const stop = async (): Promise<void> => {
    await api.close()
  }
  const node = (name: string): NodeObject | undefined => api.nodes.find((n) => n.metadata.name === name)

  void it('cordons, evicts the others and names the pod a PodDisruptionBudget keeps, after the drain timeout', async (t) => {
    await start()
    t.after(stop)
    api.pdbBlocked.set('default/web-7c5ddbdf54-abcde', 'web-pdb')
    const events: DrainEvent[] = []
    const started = Date.now()
    const report = await drainNodes(kubeconfig, [W1, W2], {timeoutMs: 1200, ...fast, onProgress: (e) => events.push(e)})
    const elapsed = Date.now() - started
    assert.equal(report.reachable, true)
    assert.equal(report.error, null)
    assert.deepEqual(report.cordoned, [W1, W2])
    assert.deepEqual(names(report.evicted), ['data/db-0', 'default/web-7c5ddbdf54-fghij'])
    assert.equal(report.blocked.length, 1)
    const [blocked] = report.blocked
    assert.ok(blocked)
    assert.equal(blocked.name, 'web-7c5ddbdf54-abcde')
    assert.equal(blocked.node, W1)
    assert.match(blocked.reason, /^eviction refused until the deadline: Cannot evict pod as it would violate the pod's disruption budget\. \(The disruption budget web-pdb needs 1 healthy pods/)
    assert.deepEqual(report.skipped.map((p) => [p.name, p.reason]).sort(), [['calico-node-4kq9z', 'DaemonSet'], [`nginx-proxy-${W1}`, 'mirror pod']])
    assert.ok(elapsed >= 1000 && elapsed < 4000, `took ${elapsed} ms`)
    // what the server saw
    const patches = api.requestsTo('PATCH', '/api/v1/nodes/')
    assert.deepEqual(patches.map((r) => r.path).sort(), [`/api/v1/nodes/${W1}`, `/api/v1/nodes/${W2}`])
    for (const p of patches) {
      assert.equal(p.contentType, 'application/merge-patch+json')
      assert.deepEqual(p.body, {metadata: {annotations: {[CORDONED_BY]: 'cloud-stop'}}, spec: {unschedulable: true}})
    }
    assert.equal(node(W1)?.spec.unschedulable, true)
    assert.equal(node(W1)?.metadata.annotations?.[CORDONED_BY], 'cloud-stop', 'the cordon marks the node in the same patch')
    assert.equal(node('cloud-cp')?.spec.unschedulable, undefined)
    assert.deepEqual(api.requestsTo('GET', '/api/v1/pods').map((r) => r.query.fieldSelector).sort(), [`spec.nodeName=${W1}`, `spec.nodeName=${W2}`])
    const evictions = api.requestsTo('POST', /\/eviction$/)
    assert.ok(evictions.filter((r) => r.path.includes('web-7c5ddbdf54-abcde')).length > 2, 'the refused eviction was retried')
    assert.ok(!evictions.some((r) => /calico-node|nginx-proxy|coredns/.test(r.path)), 'DaemonSet, mirror and other nodes\' pods are not evicted')
    assert.deepEqual(evictions[0]?.body, {apiVersion: 'policy/v1', kind: 'Eviction', metadata: {name: /\/pods\/([^/]+)\/eviction$/.exec(evictions[0]?.path ?? '')?.[1], namespace: evictions[0]?.path.split('/')[4]}})
    assert.deepEqual(api.pods.map((p) => p.metadata.name).sort(), ['calico-node-4kq9z', 'coredns-5d78c9869d-x7k2p', `nginx-proxy-${W1}`, 'web-7c5ddbdf54-abcde'])
    assert.ok(events.some((e) => e.kind === 'cordoned' && e.node === W1))
    assert.ok(events.some((e) => e.kind === 'retrying' && e.pod.name === 'web-7c5ddbdf54-abcde'))
    assert.ok(events.some((e) => e.kind === 'blocked'))
  })

  void it('names a pod still terminating at the deadline', async (t) => {
    await start()
    t.after(stop)
    api.stuckTerminating.add('data/db-0')
    const report = await drainNodes(kubeconfig, [W1, W2], {timeoutMs: 800, ...fast})
    assert.deepEqual(names(report.evicted), ['default/web-7c5ddbdf54-abcde', 'default/web-7c5ddbdf54-fghij'])
    assert.deepEqual(report.blocked.map((p) => [p.namespace, p.name, p.node, p.reason]), [['data', 'db-0', W2, 'still terminating at the deadline']])
    assert.ok(api.pods.find((p) => p.metadata.name === 'db-0')?.metadata.deletionTimestamp !== undefined, 'its eviction was accepted')
  })

  void it('returns reachable false with the error when the API is down, without throwing', async () => {
    const port = await closedPort()
    const {caCert} = await testTls()
    const file = path.join(dir, 'down.conf')
    await writeFile(file, kubeconfigText({server: `https://127.0.0.1:${port}`, caCert, token: 't'}))
    const started = Date.now()
    const report: DrainReport = await drainNodes(file, [W1], {timeoutMs: 5000, ...fast})
    assert.ok(Date.now() - started < 2000)
    assert.equal(report.reachable, false)
    assert.match(report.error ?? '', /cannot reach the API server .*ECONNREFUSED/)
    assert.deepEqual([report.cordoned, report.evicted, report.blocked], [[], [], []])
  })

  void it('skips nodes the API does not know and leaves cordoned nodes as they are', async (t) => {
    await start()
    t.after(stop)
    const w2 = node(W2)
    if (w2 !== undefined) w2.spec.unschedulable = true
    const report = await drainNodes(kubeconfig, [W1, W2, 'cloud-gpu-worker-01'], {timeoutMs: 2000, ...fast})
    assert.equal(report.error, null)
    assert.deepEqual(report.unknown_nodes, ['cloud-gpu-worker-01'])
    assert.deepEqual(report.cordoned, [W1])
    assert.deepEqual(report.already_cordoned, [W2])
    assert.deepEqual(api.requestsTo('PATCH', '/api/v1/nodes/').map((r) => r.path), [`/api/v1/nodes/${W1}`])
    assert.deepEqual(names(report.evicted), ['data/db-0', 'default/web-7c5ddbdf54-abcde', 'default/web-7c5ddbdf54-fghij'])
  })

  void it('reports a refused token as refused credentials and touches nothing', async (t) => {
    await start()
    t.after(stop)
    const file = await api.writeKubeconfig(path.join(dir, 'expired.conf'), {token: 'expired'})
    const report = await drainNodes(file, [W1], {timeoutMs: 2000, ...fast})
    assert.equal(report.reachable, true)
    assert.equal(report.error, CREDENTIALS_REFUSED)
    assert.deepEqual(report.cordoned, [])
    assert.equal(node(W1)?.spec.unschedulable, undefined)
  })

  void it('uncordon patches only the cordoned nodes', async (t) => {
    await start()
    t.after(stop)
    const w1 = node(W1)
    if (w1 !== undefined) w1.spec.unschedulable = true
    const report = await uncordonNodes(kubeconfig, [W1, W2, 'cloud-gpu-worker-01'])
    assert.deepEqual(report, {reachable: true, error: null, uncordoned: [W1], unknown_nodes: ['cloud-gpu-worker-01']})
    const patches = api.requestsTo('PATCH', '/api/v1/nodes/')
    assert.deepEqual(patches.map((r) => [r.path, r.contentType, r.body]), [[`/api/v1/nodes/${W1}`, 'application/merge-patch+json', {metadata: {annotations: {[CORDONED_BY]: null}}, spec: {unschedulable: false}}]])
    assert.equal(node(W1)?.spec.unschedulable, false)
  })

  void it('uncordon also takes back a cordon that no state recorded (a killed stop), by its mark, and leaves other cordons alone', async (t) => {
    await start()
    t.after(stop)
    // A stop cordoned W1 and W2 and was killed before it recorded them; someone else cordoned cloud-cp.
    const drained = await drainNodes(kubeconfig, [W1, W2], {timeoutMs: 2000, ...fast})
    assert.deepEqual(drained.cordoned, [W1, W2])
    const cp = node('cloud-cp')
    if (cp !== undefined) cp.spec.unschedulable = true
    const report = await uncordonNodes(kubeconfig, [])
    assert.deepEqual(report, {reachable: true, error: null, uncordoned: [W1, W2], unknown_nodes: []})
    assert.deepEqual(api.nodes.map((n) => [n.metadata.name, n.spec.unschedulable, n.metadata.annotations?.[CORDONED_BY]]), [['cloud-cp', true, undefined], [W1, false, undefined], [W2, false, undefined]])
  })

  void it('uncordon reports an API that is down', async () => {
    const port = await closedPort()
    const {caCert} = await testTls()
    const file = path.join(dir, 'down-uncordon.conf')
    await writeFile(file, kubeconfigText({server: `https://127.0.0.1:${port}`, caCert, token: 't'}))
    const report = await uncordonNodes(file, [W1], {requestTimeoutMs: 1000})
    assert.equal(report.reachable, false)
    assert.match(report.error ?? '', /ECONNREFUSED/)
    assert.deepEqual(report.uncordoned, [])
  })
})
