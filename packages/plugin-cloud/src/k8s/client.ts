/**
 * One client per kubeconfig file: the CoreV1 and Version APIs of @kubernetes/client-node (loaded on
 * first use, it takes about a second to import) and a raw GET for /readyz, every call bounded by a
 * timeout and the caller's AbortSignal. Calls answer an Outcome instead of throwing; only an abort
 * of the caller's signal rejects (with the signal's reason).
 */
import http from 'node:http'
import https from 'node:https'
import type * as K8s from '@kubernetes/client-node'
import type {ConfigurationOptions, CoreV1Api, KubeConfig, ObservableMiddleware, VersionApi} from '@kubernetes/client-node'
import {describeApiError, failureFromStatus} from './api-error.js'
import type {ApiFailure} from './api-error.js'
import {loadKubeconfig} from './kubeconfig.js'

export type Outcome<T> = {ok: true; value: T} | {ok: false; failure: ApiFailure}

export interface RawResponse {
  status: number
  body: string
}

export interface K8sClient {
  /** The API server URL of the kubeconfig's current cluster. */
  readonly server: string
  readonly core: CoreV1Api
  readonly version: VersionApi
  /** The loaded @kubernetes/client-node module (its model classes). */
  readonly lib: typeof K8s
  /** Runs one API call with these per-call options (abort signal; Content-Type when given). */
  call<T>(timeoutMs: number, fn: (options: ConfigurationOptions) => Promise<T>, contentType?: string): Promise<Outcome<T>>
  /** A GET of `path` (e.g. /readyz) with the kubeconfig's CA, client certificate and token; any status is ok. */
  get(path: string, timeoutMs: number): Promise<Outcome<RawResponse>>
}

export const MERGE_PATCH = 'application/merge-patch+json'

/** Opens a client for the kubeconfig file; throws KubeconfigError when it cannot be loaded. */
export async function openClient(kubeconfigPath: string, signal?: AbortSignal): Promise<K8sClient> {
  const kc = await loadKubeconfig(kubeconfigPath)
  const k8s = await import('@kubernetes/client-node')
  const server = kc.getCurrentCluster()?.server ?? ''
  const core = kc.makeApiClient(k8s.CoreV1Api)
  const version = kc.makeApiClient(k8s.VersionApi)

  const run = async <T>(timeoutMs: number, fn: (callSignal: AbortSignal) => Promise<T>): Promise<Outcome<T>> => {
    signal?.throwIfAborted()
    const timeout = AbortSignal.timeout(Math.max(1, Math.round(timeoutMs)))
    try {
      return {ok: true, value: await fn(signal === undefined ? timeout : AbortSignal.any([timeout, signal]))}
    } catch (error) {
      signal?.throwIfAborted()
      return {ok: false, failure: describeApiError(error, server, Math.round(timeoutMs))}
    }
  }

  return {
    server,
    lib: k8s,
    core,
    version,
    call: (timeoutMs, fn, contentType) =>
      run(timeoutMs, (callSignal) => {
        const middleware: ObservableMiddleware = {
          pre: (ctx) => {
            ctx.setSignal(callSignal)
            if (contentType !== undefined) ctx.setHeaderParam('Content-Type', contentType)
            return new k8s.Observable(Promise.resolve(ctx))
          },
          post: (response) => new k8s.Observable(Promise.resolve(response)),
        }
        return fn({middleware: [middleware], middlewareMergeStrategy: 'append'})
      }),
    get: (path, timeoutMs) => run(timeoutMs, (callSignal) => rawGet(kc, server, path, callSignal)),
  }
}

async function rawGet(kc: KubeConfig, server: string, path: string, signal: AbortSignal): Promise<RawResponse> {
  const options: https.RequestOptions = {}
  await kc.applyToHTTPSOptions(options)
  const url = new URL(`${server.replace(/\/+$/, '')}${path}`)
  const request = url.protocol === 'http:' ? http.request : https.request
  const headers: http.OutgoingHttpHeaders = {Accept: 'application/json, */*'}
  for (const [key, value] of Object.entries(options.headers ?? {})) headers[key] = value
  return new Promise<RawResponse>((resolve, reject) => {
    const req = request(url, {method: 'GET', agent: options.agent, headers, auth: options.auth, signal}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => {
        resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')})
      })
    })
    req.on('error', reject)
    req.end()
  })
}

/** The failure a raw response stands for, or null for 2xx. */
export function rawFailure(response: RawResponse): ApiFailure | null {
  return response.status >= 200 && response.status < 300 ? null : failureFromStatus(response.status, response.body)
}
