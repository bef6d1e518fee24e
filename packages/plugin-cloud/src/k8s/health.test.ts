import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {once} from 'node:events'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import net from 'node:net'
import type {AddressInfo} from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {checkHealth, CREDENTIALS_REFUSED} from './index.js'
import type {CloudHealth} from './index.js'
import {closedPort, kubeconfigText, nodeObject, podObject, startFakeApi} from './testing/fake-api.js'
import type {FakeApi, FakeApiOptions} from './testing/fake-api.js'
import {testTls} from './testing/tls.js'

const NODES = ['cloud-cp', 'cloud-cpu-worker-01']
const fast = {intervalMs: 100, requestTimeoutMs: 1000}

function cluster(): Required<Pick<FakeApiOptions, 'nodes' | 'pods'>> {
  const sys = {namespace: 'kube-system'}
  return {
    nodes: [nodeObject('cloud-cp', {controlPlane: true, ip: '192.168.200.10'}), nodeObject('cloud-cpu-worker-01', {ip: '192.168.200.11'})],
    pods: [
      podObject('kube-apiserver-cloud-cp', {...sys, node: 'cloud-cp', owner: 'Node'}),
      podObject('coredns-5d78c9869d-x7k2p', {...sys, node: 'cloud-cp'}),
      podObject('calico-node-4kq9z', {...sys, node: 'cloud-cpu-worker-01', owner: 'DaemonSet'}),
      podObject('nodelocaldns-8fhk2', {...sys, node: 'cloud-cpu-worker-01', owner: 'DaemonSet'}),
      podObject('upgrade-job-28731', {...sys, node: 'cloud-cpu-worker-01', owner: null, phase: 'Succeeded'}),
      podObject('web-7c5ddbdf54-abcde', {node: 'cloud-cpu-worker-01', phase: 'Pending', unschedulable: '0/2 nodes are available'}),
    ],
  }
}

const check = (h: CloudHealth, name: string): {ok: boolean; message: string} | undefined => h.checks.find((c) => c.name === name)

void describe('checkHealth', () => {
  let dir = ''
  let api: FakeApi
  let kubeconfig = ''
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-health-'))
    // The client library takes a second or more to import: not part of the timings checked here.
    await import('@kubernetes/client-node')
  })
  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })
  const start = async (options: FakeApiOptions = cluster()): Promise<void> => {
    api = await startFakeApi(options)
    kubeconfig = await api.writeKubeconfig(path.join(dir, `admin-${api.port}.conf`))
  }
  const stop = async (): Promise<void> => {
    await api.close()
  }

  void it('reports a healthy cluster: API ready with its version, every node Ready, kube-system pods running', async (t) => {
    await start()
    t.after(stop)
    const health = await checkHealth(kubeconfig, {nodes: NODES, deadlineMs: 2000, ...fast})
    assert.equal(health.healthy, true, JSON.stringify(health.checks))
    assert.deepEqual(health.api, {reachable: true, ready: true, version: 'v1.31.4', error: null})
    assert.deepEqual(health.nodes, {checked: true, ready: 2, total: 2, not_ready: [], cordoned: []})
    assert.deepEqual(health.pods, {checked: true, running: 5, total: 5, not_running: []})
    assert.deepEqual(health.checks.map((c) => [c.name, c.ok]), [['api', true], ['nodes', true], ['kube-system pods', true]])
    assert.equal(health.attempts, 1)
    assert.deepEqual(new Set(api.requests.map((r) => r.path)), new Set(['/readyz', '/version', '/api/v1/nodes', '/api/v1/namespaces/kube-system/pods']))
    assert.ok(api.requests.every((r) => r.authorized), 'every request carries the kubeconfig token')
  })

  void it('reports an API that is down as unreachable, within the deadline', async () => {
    const port = await closedPort()
    const {caCert} = await testTls()
    const file = path.join(dir, 'down.conf')
    await writeFile(file, kubeconfigText({server: `https://127.0.0.1:${port}`, caCert, token: 't'}))
    const started = Date.now()
    const health = await checkHealth(file, {nodes: NODES, deadlineMs: 800, ...fast})
    const elapsed = Date.now() - started
    assert.equal(health.healthy, false)
    assert.equal(health.api.reachable, false)
    assert.equal(health.api.ready, false)
    assert.match(health.api.error ?? '', new RegExp(`cannot reach the API server at https://127.0.0.1:${port}: .*ECONNREFUSED`))
    assert.ok(health.attempts > 1, 'it kept trying until the deadline')
    assert.ok(elapsed >= 700 && elapsed < 4000, `took ${elapsed} ms`)
    assert.equal(health.nodes.checked, false)
    assert.match(check(health, 'nodes')?.message ?? '', /^not checked: cannot reach/)
  })

  void it('reports an API server that accepts connections but never answers as unreachable, each request bounded', async (t) => {
    const sockets = new Set<net.Socket>()
    const silent = net.createServer((socket) => sockets.add(socket))
    silent.listen(0, '127.0.0.1')
    await once(silent, 'listening')
    t.after(() => {
      for (const socket of sockets) socket.destroy()
      silent.close()
    })
    const {caCert} = await testTls()
    const file = path.join(dir, 'silent.conf')
    await writeFile(file, kubeconfigText({server: `https://127.0.0.1:${(silent.address() as AddressInfo).port}`, caCert, token: 't'}))
    const started = Date.now()
    const health = await checkHealth(file, {nodes: NODES, deadlineMs: 600, intervalMs: 100, requestTimeoutMs: 300})
    assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`)
    assert.equal(health.api.reachable, false)
    assert.match(health.api.error ?? '', /did not answer within 300 ms$/)
  })

  void it('names a node that is not Ready with the Ready condition reason and message, and an expected node not registered', async (t) => {
    const c = cluster()
    const worker = nodeObject('cloud-cpu-worker-01', {ready: {status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized'}})
    await start({...c, nodes: [c.nodes[0] ?? nodeObject('cloud-cp'), worker]})
    t.after(stop)
    const health = await checkHealth(kubeconfig, {nodes: [...NODES, 'cloud-gpu-worker-01'], deadlineMs: 500, ...fast})
    assert.equal(health.healthy, false)
    assert.equal(health.api.ready, true)
    assert.deepEqual(health.nodes.not_ready.map((n) => n.name), ['cloud-cpu-worker-01', 'cloud-gpu-worker-01'])
    assert.match(health.nodes.not_ready[0]?.reason ?? '', /^Ready=False \(KubeletNotReady: container runtime network not ready/)
    assert.equal(health.nodes.not_ready[1]?.reason, 'not registered with the API server')
    assert.equal(health.nodes.ready, 1)
    assert.equal(health.nodes.total, 3)
    assert.match(check(health, 'nodes')?.message ?? '', /^1\/3 Ready; not ready: cloud-cpu-worker-01 \(Ready=False/)
    assert.ok(health.attempts > 1)
  })

  void it('waits for a node that becomes Ready before the deadline', async (t) => {
    const c = cluster()
    const worker = nodeObject('cloud-cpu-worker-01', {ready: false})
    await start({...c, nodes: [c.nodes[0] ?? nodeObject('cloud-cp'), worker]})
    t.after(stop)
    setTimeout(() => {
      worker.status.conditions = nodeObject('x').status.conditions
    }, 250).unref()
    const health = await checkHealth(kubeconfig, {nodes: NODES, deadlineMs: 3000, ...fast})
    assert.equal(health.healthy, true, JSON.stringify(health.checks))
    assert.ok(health.attempts > 1)
  })

  void it('names kube-system pods in CrashLoopBackOff or Pending', async (t) => {
    const c = cluster()
    c.pods.push(
      podObject('coredns-5d78c9869d-q2w3e', {namespace: 'kube-system', node: 'cloud-cpu-worker-01', waiting: {reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=coredns pod=coredns-5d78c9869d-q2w3e_kube-system'}}),
      podObject('calico-kube-controllers-6c7b7dc5d8-zz9xv', {namespace: 'kube-system', node: 'cloud-cp', unschedulable: '0/2 nodes are available: 2 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.'}),
    )
    await start(c)
    t.after(stop)
    const health = await checkHealth(kubeconfig, {nodes: NODES, deadlineMs: 300, ...fast})
    assert.equal(health.healthy, false)
    assert.equal(health.pods.total, 7)
    assert.equal(health.pods.running, 5)
    const [crash, pending] = health.pods.not_running
    assert.ok(crash && pending)
    assert.equal(crash.name, 'coredns-5d78c9869d-q2w3e')
    assert.equal(crash.phase, 'Running')
    assert.match(crash.reason ?? '', /^coredns: CrashLoopBackOff: back-off 5m0s/)
    assert.equal(pending.name, 'calico-kube-controllers-6c7b7dc5d8-zz9xv')
    assert.equal(pending.phase, 'Pending')
    assert.match(pending.reason ?? '', /^Unschedulable: 0\/2 nodes are available/)
    assert.match(check(health, 'kube-system pods')?.message ?? '', /^5\/7 running; not running: coredns-5d78c9869d-q2w3e \(Running, coredns: CrashLoopBackOff/)
  })

  void it('reports a refused (expired) token as refused credentials, not as unreachable, and stops at once', async (t) => {
    await start()
    t.after(stop)
    const file = await api.writeKubeconfig(path.join(dir, 'expired.conf'), {token: 'expired-token'})
    const started = Date.now()
    const health = await checkHealth(file, {nodes: NODES, deadlineMs: 5000, ...fast})
    assert.ok(Date.now() - started < 2000)
    assert.equal(health.healthy, false)
    assert.deepEqual(health.api, {reachable: true, ready: false, version: null, error: CREDENTIALS_REFUSED})
    assert.equal(health.attempts, 1)
    assert.equal(check(health, 'api')?.message, CREDENTIALS_REFUSED)
    assert.ok(api.requests.length > 0 && api.requests.every((r) => !r.authorized))
  })

  void it('reports an API server that is not ready with the failing /readyz checks', async (t) => {
    await start()
    t.after(stop)
    api.readyz = {status: 500, body: '[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\n[+]poststarthook/start-apiserver-admission-initializer ok\nreadyz check failed\n'}
    const health = await checkHealth(kubeconfig, {nodes: NODES, deadlineMs: 300, ...fast})
    assert.equal(health.healthy, false)
    assert.equal(health.api.reachable, true)
    assert.equal(health.api.ready, false)
    assert.equal(health.api.error, 'the API server is not ready (/readyz answered 500): etcd failed')
  })

  void it('reports a server certificate the kubeconfig CA does not sign', async (t) => {
    await start()
    t.after(stop)
    const {serverCert} = await testTls()
    const file = path.join(dir, 'wrong-ca.conf')
    await writeFile(file, kubeconfigText({server: api.url, caCert: serverCert, token: api.token}))
    const health = await checkHealth(file, {nodes: NODES, deadlineMs: 3000, ...fast})
    assert.equal(health.api.reachable, false)
    assert.equal(health.attempts, 1)
    assert.match(health.api.error ?? '', /presented a certificate the kubeconfig does not accept/)
  })

  void it('rejects with the reason when the signal aborts', async () => {
    const port = await closedPort()
    const {caCert} = await testTls()
    const file = path.join(dir, 'abort.conf')
    await writeFile(file, kubeconfigText({server: `https://127.0.0.1:${port}`, caCert, token: 't'}))
    const reason = new Error('interrupted')
    const controller = new AbortController()
    setTimeout(() => {
      controller.abort(reason)
    }, 200).unref()
    await assert.rejects(checkHealth(file, {nodes: NODES, deadlineMs: 10_000, ...fast, signal: controller.signal}), (e: unknown) => e === reason)
  })
})
