/**
 * The per-cluster known_hosts file. ai-how generates each node's host key and writes it here before
 * the VM first boots (withNodeKeys), so that every connection, the first included, is verified;
 * Ansible uses the same file with `StrictHostKeyChecking=yes`.
 * Lines are written in OpenSSH's plain format: `<host>[,<alias>] <key type> <base64 key blob>`,
 * where `<host>` is `[host]:port` for ports other than 22 (as ssh itself writes them).
 */
import {appendFile, mkdir, readFile, rename, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {assertClusterName} from '../naming/index.js'

export interface KnownHostEntry {
  hosts: string[]
  type: string
  /** The key blob, base64 as in the file. */
  key: string
}

/** The per-cluster known_hosts file, next to the cluster's generated key pair. */
export function clusterKnownHostsPath(outputDir: string, clusterName: string): string {
  return path.join(outputDir, 'keys', assertClusterName(clusterName), 'known_hosts')
}

/** The host column ssh uses for `host` at `port`. */
export function hostPattern(host: string, port = 22): string {
  return port === 22 ? host : `[${host}]:${port}`
}

/** The names under which a VM's key is recorded: its address, then the alias (VM name) if any. */
export function hostPatterns(host: string, port = 22, alias?: string): string[] {
  const patterns = [hostPattern(host, port)]
  if (alias !== undefined && alias !== '' && alias !== host) patterns.push(hostPattern(alias, port))
  return patterns
}

/**
 * The names a node's key is recorded under before it boots: its static IP and its VM name; a DHCP
 * node only by its VM name (session.ts adds its address once the node proved it holds that key).
 */
export function nodePatterns(vmName: string, ip?: string): string[] {
  return ip === undefined ? [vmName] : hostPatterns(ip, 22, vmName)
}

export interface NodeKnownHost {
  patterns: readonly string[]
  /** `<type> <base64> [comment]`, e.g. the node's NodeHostKey.publicKey. */
  publicKey: string
}

/**
 * The known_hosts text with one line per node: every earlier line that names one of the nodes or
 * holds one of their keys (an address a DHCP node had) is dropped, other lines are kept as they are.
 */
export function withNodeKeys(text: string, nodes: readonly NodeKnownHost[]): string {
  const names = new Set(nodes.flatMap((n) => n.patterns))
  const keys = new Set(nodes.map((n) => n.publicKey.split(/\s+/)[1]))
  const kept = text.split('\n').filter((line) => line !== '' && parseKnownHosts(line).every((e) => !keys.has(e.key) && !e.hosts.some((h) => names.has(h))))
  const added = nodes.map((n) => {
    const [type, key] = n.publicKey.trim().split(/\s+/)
    if (type === undefined || key === undefined || n.patterns.length === 0) throw new Error(`not a host key line for ${n.patterns.join(',')}: ${n.publicKey}`)
    return `${n.patterns.join(',')} ${type} ${key}`
  })
  return [...kept, ...added].map((l) => `${l}\n`).join('')
}

/** Parses plain known_hosts lines; comments, markers (@revoked, @cert-authority) and hashed hosts are skipped. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = []
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith('@')) continue
    const [hosts, type, key] = line.split(/\s+/)
    if (hosts === undefined || type === undefined || key === undefined || hosts.startsWith('|')) continue
    entries.push({hosts: hosts.split(','), type, key})
  }
  return entries
}

export async function readKnownHosts(file: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(file, 'utf8'))
  } catch (error) {
    if ((error as {code?: unknown}).code === 'ENOENT') return []
    throw error
  }
}

/** The recorded entries for any of these host patterns. */
export function entriesFor(entries: readonly KnownHostEntry[], patterns: readonly string[]): KnownHostEntry[] {
  return entries.filter((e) => e.hosts.some((h) => patterns.includes(h)))
}

/** The key type named inside an SSH public key blob (its first string field). */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) throw new Error('host key blob too short')
  const len = blob.readUInt32BE(0)
  if (len === 0 || len > 64 || blob.length < 4 + len) throw new Error('malformed host key blob')
  return blob.subarray(4, 4 + len).toString('latin1')
}

const queues = new Map<string, Promise<unknown>>()

/** Runs `job` after every earlier job on the same file (in this process) has finished. */
async function serialized<T>(file: string, job: () => Promise<T>): Promise<T> {
  const previous = queues.get(file) ?? Promise.resolve()
  const next = previous.catch(() => undefined).then(job)
  queues.set(file, next)
  try {
    return await next
  } finally {
    if (queues.get(file) === next) queues.delete(file)
  }
}

/**
 * Records a host key for these patterns unless it is recorded already. The file is appended with a
 * single write (O_APPEND), so concurrent writers never interleave partial lines, and calls inside
 * this process are serialized per file so the duplicate check sees every earlier record.
 * Returns true when a line was written.
 */
export async function recordHostKey(file: string, patterns: readonly string[], type: string, key: string): Promise<boolean> {
  const resolved = path.resolve(file)
  return serialized(resolved, async () => {
    const existing = entriesFor(await readKnownHosts(resolved), patterns).filter((e) => e.type === type && e.key === key)
    const missing = patterns.filter((p) => !existing.some((e) => e.hosts.includes(p)))
    if (missing.length === 0) return false
    await mkdir(path.dirname(resolved), {recursive: true, mode: 0o700})
    await appendFile(resolved, `${missing.join(',')} ${type} ${key}\n`, {mode: 0o644})
    return true
  })
}

/**
 * Removes every line that names one of these patterns (a VM that was destroyed or re-created gets
 * new host keys). The file is rewritten through a temporary file and a rename. Returns the number
 * of lines removed.
 */
export async function forgetHostKeys(file: string, patterns: readonly string[]): Promise<number> {
  const resolved = path.resolve(file)
  return serialized(resolved, async () => {
    let text: string
    try {
      text = await readFile(resolved, 'utf8')
    } catch (error) {
      if ((error as {code?: unknown}).code === 'ENOENT') return 0
      throw error
    }
    const lines = text.split('\n').filter((l) => l !== '')
    const kept = lines.filter((l) => parseKnownHosts(l).every((e) => !e.hosts.some((h) => patterns.includes(h))))
    if (kept.length === lines.length) return 0
    const tmp = `${resolved}.${process.pid}.tmp`
    await writeFile(tmp, kept.map((l) => `${l}\n`).join(''), {mode: 0o644})
    await rename(tmp, resolved)
    return lines.length - kept.length
  })
}
