/**
 * Turns what a Kubernetes API call threw (the client's ApiException, node-fetch's FetchError or
 * AbortError, a socket error) or a raw HTTP answer into one plain-words ApiFailure.
 */
import {reasonOf} from './errors.js'

export type FailureKind = 'unreachable' | 'timeout' | 'tls' | 'unauthorized' | 'forbidden' | 'not-found' | 'too-many-requests' | 'http'

export interface ApiFailure {
  kind: FailureKind
  /** The HTTP status when the API server answered, else null. */
  status: number | null
  message: string
  /** Asking again will not help (refused credentials, forbidden, an untrusted certificate). */
  definitive: boolean
  /** The wait the server asked for (429 Retry-After / details.retryAfterSeconds), else null. */
  retryAfterMs: number | null
}

export const CREDENTIALS_REFUSED = "the kubeconfig's credentials were refused (401): fetch it again with ai-how cloud start"

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_(GET_ISSUER_CERT|VERIFY_LEAF_SIGNATURE))/

/** A metav1.Status as the API server sends it with every error. */
interface StatusBody {
  message?: string
  reason?: string
  details?: {retryAfterSeconds?: number; causes?: {reason?: string; message?: string}[]}
}

/** What the API server's answer says, for a status outside 2xx. */
export function failureFromStatus(status: number, body: unknown, headers: Record<string, string> = {}): ApiFailure {
  const parsed = parseStatus(body)
  const causes = (parsed?.details?.causes ?? []).map((c) => c.message).filter((m): m is string => typeof m === 'string' && m !== '')
  const text = parsed?.message ?? textOf(body)
  const said = causes.length === 0 ? text : `${text} (${causes.join('; ')})`
  const base = {status, retryAfterMs: null, definitive: false}
  switch (status) {
    case 401:
      return {...base, kind: 'unauthorized', definitive: true, message: CREDENTIALS_REFUSED}
    case 403:
      return {...base, kind: 'forbidden', definitive: true, message: `the kubeconfig's user is not allowed to do this (403): ${said || 'Forbidden'}`}
    case 404:
      return {...base, kind: 'not-found', message: said || 'not found (404)'}
    case 429:
      return {...base, kind: 'too-many-requests', message: said || 'too many requests (429)', retryAfterMs: retryAfter(parsed, headers)}
    default:
      return {...base, kind: 'http', message: `the API server answered ${status}${said === '' ? '' : `: ${said}`}`}
  }
}

/** Describes a thrown error; `server` and `timeoutMs` go into the message of a network failure. */
export function describeApiError(error: unknown, server: string, timeoutMs: number): ApiFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>
  if (typeof e.code === 'number' && 'body' in e) {
    const headers = typeof e.headers === 'object' && e.headers !== null ? (e.headers as Record<string, string>) : {}
    return failureFromStatus(e.code, e.body, headers)
  }
  const base = {status: null, retryAfterMs: null}
  if (e.name === 'AbortError' || e.code === 'ABORT_ERR') {
    return {...base, kind: 'timeout', definitive: false, message: `the API server at ${server} did not answer within ${timeoutMs} ms`}
  }
  const reason = reasonOf(error).replace(/^request to \S+ failed, reason: /, '')
  if (typeof e.code === 'string' && TLS_CODES.test(e.code)) {
    return {...base, kind: 'tls', definitive: true, message: `the API server at ${server} presented a certificate the kubeconfig does not accept (${e.code}): ${reason}; fetch the kubeconfig again with ai-how cloud start`}
  }
  return {...base, kind: 'unreachable', definitive: false, message: `cannot reach the API server at ${server}: ${reason}`}
}

function parseStatus(body: unknown): StatusBody | undefined {
  let value = body
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body)
    } catch {
      return undefined
    }
  }
  return typeof value === 'object' && value !== null ? value : undefined
}

function textOf(body: unknown): string {
  return typeof body === 'string' ? body.trim().slice(0, 300) : ''
}

function retryAfter(status: StatusBody | undefined, headers: Record<string, string>): number | null {
  const seconds = status?.details?.retryAfterSeconds ?? Number(headers['retry-after'])
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null
}
