/**
 * A fake Kubernetes API server for tests: HTTPS on 127.0.0.1 (a random port) with a CA made by
 * openssl, a bearer token it checks (401 Status otherwise), and a small mutable cluster state that
 * it serves in the real API's shapes: /readyz, /version, nodes (GET, merge PATCH), pods (list with
 * spec.nodeName field selector, GET) and pod evictions (201, or 429 for a pod under a
 * PodDisruptionBudget; evicted pods disappear after terminationDelayMs unless stuck terminating).
 * Every request is recorded (method, path, query, body).
 *
 *   const api = await startFakeApi({nodes: [nodeObject('cloud-cp')], pods: [...]})
 *   const file = await api.writeKubeconfig(path.join(dir, 'admin.conf'))
 *   ... api.requests, api.nodes, api.pods ...
 *   await api.close()
 */
import {once} from 'node:events'
import {writeFile} from 'node:fs/promises'
import https from 'node:https'
import type {IncomingMessage, ServerResponse} from 'node:http'
import net from 'node:net'
import type {AddressInfo} from 'node:net'
import {route} from './routes.js'
import type {NodeObject, PodObject} from './objects.js'
import {testTls} from './tls.js'

export * from './objects.js'

export interface RecordedRequest {
  method: string
  /** The path without the query, e.g. /api/v1/nodes/cloud-cp. */
  path: string
  query: Record<string, string>
  contentType: string | null
  /** The parsed JSON body, the text of another body, or null. */
  body: unknown
  authorized: boolean
}

export interface FakeCluster {
  nodes: NodeObject[]
  pods: PodObject[]
  /** 'namespace/name' -> PodDisruptionBudget name: every eviction of that pod answers 429. */
  pdbBlocked: Map<string, string>
  /** 'namespace/name': evictions are accepted but the pod never goes (stuck terminating). */
  stuckTerminating: Set<string>
  /** How long an evicted pod takes to disappear (default 50 ms). */
  terminationDelayMs: number
  /** What GET /readyz (and /livez, /healthz) answers. */
  readyz: {status: number; body: string}
  gitVersion: string
  /** The bearer token accepted. */
  token: string
}

export interface FakeApi extends FakeCluster {
  readonly url: string
  readonly port: number
  readonly caCert: string
  readonly requests: RecordedRequest[]
  /** Requests that matched (method, path prefix or RegExp). */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[]
  /** A kubeconfig for this server (token: the accepted one unless given). */
  kubeconfig(options?: {token?: string}): string
  writeKubeconfig(file: string, options?: {token?: string}): Promise<string>
  close(): Promise<void>
}

export interface FakeApiOptions {
  nodes?: NodeObject[]
  pods?: PodObject[]
  token?: string
  gitVersion?: string
}

export async function startFakeApi(options: FakeApiOptions = {}): Promise<FakeApi> {
  const tls = await testTls()
  const requests: RecordedRequest[] = []
  const cluster: FakeCluster = {
    nodes: options.nodes ?? [],
    pods: options.pods ?? [],
    pdbBlocked: new Map(),
    stuckTerminating: new Set(),
    terminationDelayMs: 50,
    readyz: {status: 200, body: 'ok'},
    gitVersion: options.gitVersion ?? 'v1.31.4',
    token: options.token ?? 'fake-token-0123456789abcdef',
  }
  const timers = new Set<NodeJS.Timeout>()
  const server = https.createServer({key: tls.serverKey, cert: tls.serverCert}, (req, res) => {
    void handle(req, res)
  })
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const url = new URL(req.url ?? '/', 'https://127.0.0.1')
    const contentType = req.headers['content-type'] ?? null
    let body: unknown = text === '' ? null : text
    if (text !== '' && contentType?.includes('json') === true) {
      try {
        body = JSON.parse(text)
      } catch {
        // kept as text
      }
    }
    const authorized = req.headers.authorization === `Bearer ${cluster.token}`
    const recorded: RecordedRequest = {method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), contentType, body, authorized}
    requests.push(recorded)
    const answer = route(cluster, recorded, (fn, ms) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        fn()
      }, ms)
      timers.add(timer)
    })
    res.writeHead(answer.status, {'Content-Type': typeof answer.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json'})
    res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body))
  }
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port
  const url = `https://127.0.0.1:${port}`
  const api: FakeApi = Object.assign(cluster, {
    url,
    port,
    caCert: tls.caCert,
    requests,
    requestsTo: (method: string, path: string | RegExp) =>
      requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path.startsWith(path) : path.test(r.path))),
    kubeconfig: (o: {token?: string} = {}) => kubeconfigText({server: url, caCert: tls.caCert, token: o.token ?? cluster.token}),
    writeKubeconfig: async (file: string, o: {token?: string} = {}) => {
      await writeFile(file, api.kubeconfig(o), {mode: 0o600})
      return file
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer)
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  })
  return api
}

/** A kubeconfig as kubeadm writes admin.conf, with a bearer token instead of a client certificate. */
export function kubeconfigText(o: {server: string; caCert: string; token: string}): string {
  return `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${Buffer.from(o.caCert).toString('base64')}
    server: ${o.server}
  name: cluster.local
contexts:
- context:
    cluster: cluster.local
    user: kubernetes-admin
  name: kubernetes-admin@cluster.local
current-context: kubernetes-admin@cluster.local
kind: Config
preferences: {}
users:
- name: kubernetes-admin
  user:
    token: ${o.token}
`
}

/** A TCP port on 127.0.0.1 where nothing listens (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const probe = net.createServer()
  probe.listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const port = (probe.address() as AddressInfo).port
  probe.close()
  await once(probe, 'close')
  return port
}
