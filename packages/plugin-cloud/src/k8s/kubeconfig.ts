/**
 * Kubeconfig text: point every cluster of an admin.conf at another host (the API server as seen
 * from the hypervisor host), and load a kubeconfig file for the client.
 */
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {parseDocument} from 'yaml'
import type {KubeConfig} from '@kubernetes/client-node'
import {kubeconfigHostInvalid, kubeconfigInvalid, kubeconfigNotFound, reasonOf} from './errors.js'

export const DEFAULT_API_PORT = 6443

const SERVER = /^(https?):\/\/(\[[^\]]*\]|[^/:?#]*)(?::(\d+))?([/?#].*)?$/
const HOST = /^(?:[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/

/**
 * Returns `text` with the host of every `clusters[].cluster.server` replaced by `host`; the scheme,
 * the port (6443 when the URL has none) and the path are kept, and so is everything else (CA data,
 * credentials, comments). Throws KubeconfigError (KUBECONFIG_INVALID) for text that is not a kubeconfig.
 */
export function rewriteKubeconfig(text: string, host: string): string {
  if (!HOST.test(host) || host === '') throw kubeconfigHostInvalid(host)
  const hostPart = host.includes(':') ? `[${host}]` : host
  const doc = parseDocument(text)
  const where = 'the fetched kubeconfig'
  if (doc.errors.length > 0) throw kubeconfigInvalid(where, `YAML error: ${doc.errors[0]?.message ?? 'unknown'}`)
  const root: unknown = doc.toJS()
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw kubeconfigInvalid(where, 'it is not a YAML mapping')
  const {kind, clusters} = root as {kind?: unknown; clusters?: unknown}
  if (kind !== undefined && kind !== 'Config') throw kubeconfigInvalid(where, `kind is ${JSON.stringify(kind)}, not Config`)
  if (!Array.isArray(clusters) || clusters.length === 0) throw kubeconfigInvalid(where, 'it has no clusters')
  for (const [i, item] of (clusters as unknown[]).entries()) {
    const server = (item as {cluster?: {server?: unknown} | null} | null)?.cluster?.server
    if (typeof server !== 'string') throw kubeconfigInvalid(where, `clusters[${i}] has no cluster.server`)
    const match = SERVER.exec(server.trim())
    if (match === null) throw kubeconfigInvalid(where, `clusters[${i}].cluster.server ${JSON.stringify(server)} is not an http(s) URL`)
    const [, scheme = 'https', , port, rest = ''] = match
    doc.setIn(['clusters', i, 'cluster', 'server'], `${scheme}://${hostPart}:${port ?? DEFAULT_API_PORT}${rest}`)
  }
  return doc.toString({lineWidth: 0, indentSeq: false})
}

/**
 * Loads a kubeconfig file (relative certificate paths are taken from its folder). Throws
 * KubeconfigError: KUBECONFIG_NOT_FOUND when it cannot be read, KUBECONFIG_INVALID when it has no
 * current cluster with a server.
 */
export async function loadKubeconfig(file: string): Promise<KubeConfig> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw kubeconfigNotFound(file, error)
  }
  const {KubeConfig} = await import('@kubernetes/client-node')
  const kc = new KubeConfig()
  try {
    kc.loadFromString(text)
    kc.makePathsAbsolute(path.dirname(path.resolve(file)))
  } catch (error) {
    throw kubeconfigInvalid(file, reasonOf(error), error)
  }
  const cluster = kc.getCurrentCluster()
  if (cluster === null) throw kubeconfigInvalid(file, 'its current-context names no cluster')
  if (!SERVER.test(cluster.server)) throw kubeconfigInvalid(file, `cluster ${cluster.name} has no http(s) server URL`)
  return kc
}
