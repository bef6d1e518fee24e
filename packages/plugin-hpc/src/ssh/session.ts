/**
 * One SSH connection with the cluster key: host key checked against the per-cluster known_hosts,
 * which lists every node's key before it first boots, bounded in time, cancelled by an AbortSignal,
 * always closed. Transient failures are SshAttemptError (a short code such as ECONNREFUSED,
 * ETIMEDOUT, AUTH_FAILED); host key problems (a key not recorded, or another one) are AiHowErrors
 * and are final: no key is accepted on first use. A node recorded under its name only (DHCP) gets
 * its address added next to that key once the login with the cluster key has succeeded.
 */
import type {Client} from 'ssh2'
import {ssh2} from '../lazy-modules.js'
import {checkHostKey, hostKeyMismatchError, hostKeyUnknownError} from './host-key.js'
import type {HostKeyCheck} from './host-key.js'
import {hostPatterns, readKnownHosts, recordHostKey} from './known-hosts.js'

export interface SshTarget {
  host: string
  port?: number
  user: string
  /** The private key's text (or bytes), e.g. SshKeyPair.privateKey. */
  privateKey: string | Buffer
  knownHostsFile: string
  /** The VM name: the node's key is recorded under it (and under its static IP), and errors name it. */
  hostAlias?: string
}

/** A failure worth retrying: `reason` is the short code reported to the user. */
export class SshAttemptError extends Error {
  readonly reason: string
  constructor(reason: string, message: string, options?: {cause?: unknown}) {
    super(message, options)
    this.name = 'SshAttemptError'
    this.reason = reason
  }
}

/** A short code for an ssh2 / socket error. */
export function failureReason(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {code?: unknown; level?: unknown}
  if (typeof e.code === 'string' && /^E[A-Z0-9_]+$/.test(e.code)) return e.code
  switch (e.level) {
    case 'client-timeout': return 'ETIMEDOUT'
    case 'client-authentication': return 'AUTH_FAILED'
    case 'client-dns': return 'EDNS'
    case 'protocol': case 'handshake': return 'HANDSHAKE_FAILED'
    default: return 'SSH_ERROR'
  }
}

/** Connects, runs `use(client)` once authenticated, and closes. The whole call ends within `timeoutMs`. */
export async function withSession<T>(target: SshTarget, timeoutMs: number, signal: AbortSignal | undefined, use: (client: Client) => Promise<T>): Promise<T> {
  signal?.throwIfAborted()
  const port = target.port ?? 22
  const patterns = hostPatterns(target.host, port, target.hostAlias)
  const known = await readKnownHosts(target.knownHostsFile)
  const client = new (ssh2().Client)()
  let check: HostKeyCheck | undefined
  return new Promise<T>((resolve, reject) => {
    let settled = false
    const finish = (error: unknown, value?: T): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      client.destroy()
      if (error === undefined) resolve(value as T)
      else reject(error instanceof Error ? error : new Error('SSH session failed', {cause: error}))
    }
    const onAbort = (): void => { finish(signal?.reason ?? new Error('aborted')) }
    const timer = setTimeout(() => { finish(new SshAttemptError('ETIMEDOUT', `no answer within ${timeoutMs} ms`)) }, timeoutMs)
    signal?.addEventListener('abort', onAbort, {once: true})
    client.on('ready', () => {
      const run = async (): Promise<T> => {
        if (check?.status === 'known') await recordHostKey(target.knownHostsFile, patterns, check.type, check.key)
        return use(client)
      }
      run().then((value) => { finish(undefined, value) }, (error: unknown) => { finish(error) })
    })
    client.on('error', (error) => {
      if (check?.status === 'mismatch') finish(hostKeyMismatchError(target.host, target.hostAlias, target.knownHostsFile, check))
      else if (check?.status === 'new') finish(hostKeyUnknownError(target.host, target.hostAlias, target.knownHostsFile))
      else finish(new SshAttemptError(failureReason(error), error.message, {cause: error}))
    })
    client.on('close', () => { finish(new SshAttemptError('ECONNRESET', 'the connection closed before the command finished')) })
    try {
      client.connect({
        host: target.host,
        port,
        username: target.user,
        privateKey: target.privateKey,
        readyTimeout: Math.max(1, Math.min(timeoutMs, 20_000)),
        hostVerifier: (blob: Buffer): boolean => {
          try {
            // The VM name (recorded before the first boot) decides before the address.
            check = checkHostKey(known, [...patterns].reverse(), blob)
          } catch {
            return false
          }
          return check.status === 'known'
        },
      })
    } catch (error) {
      finish(error)
    }
  })
}
