/** The request handling of the fake API server: one answer per recorded request, on the cluster state. */
import type {FakeCluster, RecordedRequest} from './fake-api.js'
import {disruptionBudgetStatus, listObject, nextResourceVersion, notFoundStatus, statusObject, unauthorizedStatus, versionInfo} from './objects.js'
import type {PodObject} from './objects.js'

export interface Answer {
  status: number
  /** A string is sent as text/plain, anything else as JSON. */
  body: unknown
}

type Later = (fn: () => void, ms: number) => void

const NODE = /^\/api\/v1\/nodes\/([^/]+)$/
const POD = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/
const EVICTION = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/eviction$/
const NAMESPACED_PODS = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/

const json = (status: number, body: unknown): Answer => ({status, body})

export function route(cluster: FakeCluster, req: RecordedRequest, later: Later): Answer {
  if (!req.authorized) return json(401, unauthorizedStatus())
  const {method, path} = req
  if (method === 'GET' && ['/readyz', '/livez', '/healthz'].includes(path)) return cluster.readyz
  if (method === 'GET' && path === '/version') return json(200, versionInfo(cluster.gitVersion))
  if (method === 'GET' && path === '/api/v1/nodes') return json(200, listObject('NodeList', cluster.nodes))
  if (method === 'GET' && path === '/api/v1/pods') return json(200, listObject('PodList', selectPods(cluster.pods, req.query)))
  let m = NAMESPACED_PODS.exec(path)
  if (method === 'GET' && m !== null) {
    const namespace = m[1]
    return json(200, listObject('PodList', selectPods(cluster.pods.filter((p) => p.metadata.namespace === namespace), req.query)))
  }
  if ((m = NODE.exec(path)) !== null && (method === 'GET' || method === 'PATCH')) {
    const node = cluster.nodes.find((n) => n.metadata.name === m?.[1])
    if (node === undefined) return json(404, notFoundStatus('nodes', m[1] ?? ''))
    if (method === 'GET') return json(200, node)
    if (req.contentType !== 'application/merge-patch+json' && req.contentType !== 'application/strategic-merge-patch+json') {
      return json(400, statusObject(400, 'BadRequest', `the fake API applies merge patches only, not ${req.contentType ?? 'no Content-Type'}` +
        (Array.isArray(req.body) ? '' : ' (json: cannot unmarshal object into Go value of type jsonpatch.Patch)')))
    }
    mergePatch(node, req.body)
    node.metadata.resourceVersion = nextResourceVersion()
    return json(200, node)
  }
  if (method === 'GET' && (m = POD.exec(path)) !== null) {
    const pod = findPod(cluster, m[1], m[2])
    return pod === undefined ? json(404, notFoundStatus('pods', m[2] ?? '')) : json(200, pod)
  }
  if (method === 'POST' && (m = EVICTION.exec(path)) !== null) return evict(cluster, m[1] ?? '', m[2] ?? '', req.body, later)
  return json(404, statusObject(404, 'NotFound', 'the server could not find the requested resource', {}))
}

function findPod(cluster: FakeCluster, namespace: string | undefined, name: string | undefined): PodObject | undefined {
  return cluster.pods.find((p) => p.metadata.namespace === namespace && p.metadata.name === name)
}

/** fieldSelector: comma-separated key=value of spec.nodeName, metadata.name, metadata.namespace, status.phase. */
function selectPods(pods: PodObject[], query: Record<string, string>): PodObject[] {
  const terms = (query.fieldSelector ?? '').split(',').filter((t) => t !== '').map((t) => t.split('=') as [string, string])
  const field = (pod: PodObject, key: string): string | undefined =>
    ({'spec.nodeName': pod.spec.nodeName, 'metadata.name': pod.metadata.name, 'metadata.namespace': pod.metadata.namespace, 'status.phase': pod.status.phase})[key]
  return pods.filter((pod) => terms.every(([key, value]) => field(pod, key) === value))
}

function evict(cluster: FakeCluster, namespace: string, name: string, body: unknown, later: Later): Answer {
  const b = body as {kind?: string; metadata?: {name?: string}} | null
  if (b?.kind !== 'Eviction' || b.metadata?.name !== name) {
    return json(400, statusObject(400, 'BadRequest', `name in URL does not match name in Eviction object`))
  }
  const pod = findPod(cluster, namespace, name)
  if (pod === undefined) return json(404, notFoundStatus('pods', name))
  const key = `${namespace}/${name}`
  const pdb = cluster.pdbBlocked.get(key)
  if (pdb !== undefined) return json(429, disruptionBudgetStatus(pdb))
  if (pod.metadata.deletionTimestamp === undefined) {
    pod.metadata.deletionTimestamp = new Date().toISOString()
    pod.metadata.deletionGracePeriodSeconds = 30
    pod.metadata.resourceVersion = nextResourceVersion()
    if (!cluster.stuckTerminating.has(key)) {
      later(() => {
        cluster.pods = cluster.pods.filter((p) => p !== pod)
      }, cluster.terminationDelayMs)
    }
  }
  return json(201, statusObject(201, '', '', undefined))
}

/** RFC 7386 JSON merge patch, in place. */
function mergePatch(target: object, patch: unknown): void {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return
  const t = target as Record<string, unknown>
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) Reflect.deleteProperty(t, key)
    else if (typeof value === 'object' && !Array.isArray(value) && typeof t[key] === 'object' && t[key] !== null) mergePatch(t[key], value)
    else t[key] = value
  }
}
