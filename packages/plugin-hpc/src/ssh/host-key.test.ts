/**
 * Host keys known before the first connection, against a real SSH server on 127.0.0.1 (ssh2): a
 * node is reached only when it presents the key recorded for it; a key never recorded is refused at
 * first contact like another key, naming the node, before the cluster key is offered.
 */
import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import type {AddressInfo} from 'node:net'
import os from 'node:os'
import path from 'node:path'
import ssh2 from 'ssh2'
import type {Connection, ParsedKey} from 'ssh2'
import {isAiHowError} from '@ai-how/core'
import {sshExec} from './exec.js'
import {ensureClusterKeyPair} from './keypair.js'
import type {SshKeyPair} from './keypair.js'
import {hostPatterns, withNodeKeys} from './known-hosts.js'
import {ensureNodeHostKey} from './node-host-keys.js'
import type {NodeHostKey} from './node-host-keys.js'
import {waitForSsh} from './wait.js'

const USER = 'debian'
const NODE = 'lab-compute-01'

interface Loopback {port: number; connections: number; logins: number; close(): Promise<void>}

/** An SSH server presenting `hostKey`, accepting `authorized` for user debian, answering every exec with exit 0. */
async function serve(hostKey: NodeHostKey, authorized: SshKeyPair): Promise<Loopback> {
  const allowed = ssh2.utils.parseKey(authorized.publicKey) as ParsedKey
  const clients = new Set<Connection>()
  const state = {connections: 0, logins: 0}
  const server = new ssh2.Server({hostKeys: [hostKey.privateKey]}, (client) => {
    state.connections += 1
    clients.add(client)
    client.on('close', () => clients.delete(client))
    client.on('error', () => undefined)
    client.on('authentication', (ctx) => {
      state.logins += 1
      if (ctx.method === 'publickey' && ctx.key.data.equals(allowed.getPublicSSH())) ctx.accept()
      else ctx.reject(['publickey'])
    })
    client.on('ready', () => {
      client.on('session', (accept) => {
        accept().on('exec', (acceptExec) => {
          const stream = acceptExec()
          stream.exit(0)
          stream.end()
        })
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    get connections() { return state.connections },
    get logins() { return state.logins },
    close: () => new Promise<void>((resolve) => {
      for (const c of clients) c.end()
      server.close(() => { resolve() })
    }),
  }
}

const blob = (key: NodeHostKey): string => key.publicKey.split(' ')[1] ?? ''

void describe('host keys known before the first connection', () => {
  let dir = ''
  let clusterKey: SshKeyPair
  let nodeKey: NodeHostKey
  let otherKey: NodeHostKey
  let server: Loopback
  let n = 0
  const knownHosts = (): string => path.join(dir, `known_hosts-${++n}`)
  const exec = (file: string, alias = NODE): Promise<unknown> =>
    sshExec({host: '127.0.0.1', port: server.port, hostAlias: alias, user: USER, privateKey: clusterKey.privateKey, knownHostsFile: file, command: 'true', timeoutMs: 10_000})
      .catch((e: unknown) => e)

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-hostkey-'))
    clusterKey = await ensureClusterKeyPair(dir, 'lab')
    nodeKey = await ensureNodeHostKey(dir, 'lab', NODE)
    otherKey = await ensureNodeHostKey(dir, 'lab', 'lab-compute-02')
    server = await serve(nodeKey, clusterKey)
  })
  after(async () => {
    await server.close()
    await rm(dir, {recursive: true, force: true})
  })

  void it('refuses a node whose key is not recorded at first contact (SSH_HOST_KEY_UNKNOWN, naming it), before offering the cluster key, and writes nothing', async () => {
    const file = knownHosts()
    const logins = server.logins
    const error = await exec(file)
    assert.ok(isAiHowError(error) && error.code === 'SSH_HOST_KEY_UNKNOWN', String(error))
    assert.equal(error.message, `refusing ${NODE} (127.0.0.1): no SSH host key is recorded for it in ${file} (ai-how records each node's key before the node first boots, and trusts no other)`)
    assert.equal(server.logins, logins, 'the cluster key was never offered to an unknown host')
    await assert.rejects(readFile(file), {code: 'ENOENT'})
  })

  void it('waitForSsh gives up on an unknown key at the first attempt instead of retrying until the deadline', async () => {
    const connections = server.connections
    const error: unknown = await waitForSsh({host: '127.0.0.1', port: server.port, hostAlias: NODE, user: USER, privateKey: clusterKey.privateKey,
      knownHostsFile: knownHosts(), deadlineMs: 60_000, initialDelayMs: 10}).catch((e: unknown) => e)
    assert.ok(isAiHowError(error) && error.code === 'SSH_HOST_KEY_UNKNOWN', String(error))
    assert.equal(server.connections - connections, 1)
  })

  void it('refuses a node that presents another key than the one generated for it (SSH_HOST_KEY_MISMATCH, naming it)', async () => {
    const file = knownHosts()
    const text = withNodeKeys('', [{patterns: hostPatterns('127.0.0.1', server.port, NODE), publicKey: otherKey.publicKey}])
    await writeFile(file, text)
    const error = await exec(file)
    assert.ok(isAiHowError(error) && error.code === 'SSH_HOST_KEY_MISMATCH', String(error))
    assert.match(error.message, new RegExp(`^refusing ${NODE} \\(127\\.0\\.0\\.1\\): its SSH host key \\(ssh-ed25519\\) is not the one ai-how generated for it`))
    assert.deepEqual(error.details, {host: '127.0.0.1', node: NODE, knownHostsFile: file, presentedType: 'ssh-ed25519'})
    assert.equal(await readFile(file, 'utf8'), text, 'the record is not rewritten')
  })

  void it('reaches a node recorded under its name only (DHCP) and records its address next to that key, in a line OpenSSH trusts strictly', async () => {
    const file = knownHosts()
    await writeFile(file, withNodeKeys('', [{patterns: [`[${NODE}]:${server.port}`], publicKey: nodeKey.publicKey}]))
    assert.deepEqual(await exec(file), {stdout: '', stderr: '', exitCode: 0, signal: null})
    assert.equal(await readFile(file, 'utf8'), `[${NODE}]:${server.port} ssh-ed25519 ${blob(nodeKey)}\n[127.0.0.1]:${server.port} ssh-ed25519 ${blob(nodeKey)}\n`)
    const found = await new Promise<string>((resolve) => {
      execFile('ssh-keygen', ['-F', `[127.0.0.1]:${server.port}`, '-f', file], (_error, stdout) => { resolve(stdout) })
    })
    assert.match(found, new RegExp(`ssh-ed25519 ${blob(nodeKey).replaceAll('+', '\\+')}`))
    const ssh = await new Promise<{code: number | null; stderr: string}>((resolve) => {
      const child = execFile('ssh', ['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${file}`, '-o', 'IdentitiesOnly=yes',
        '-i', clusterKey.privateKeyPath, '-p', String(server.port), `${USER}@127.0.0.1`, 'true'], {timeout: 20_000}, (error, _stdout, stderr) => {
        resolve({code: error === null ? 0 : child.exitCode, stderr})
      })
    })
    assert.equal(ssh.code, 0, ssh.stderr)
  })

  void it('lets the node name decide over an address that another node had: a stale address line neither admits nor blocks it', async () => {
    const stale = knownHosts()
    await writeFile(stale, `[127.0.0.1]:${server.port} ssh-ed25519 ${blob(otherKey)}\n[${NODE}]:${server.port} ssh-ed25519 ${blob(nodeKey)}\n`)
    assert.equal((await exec(stale) as {exitCode: number}).exitCode, 0)
    const impostor = knownHosts()
    await writeFile(impostor, `[127.0.0.1]:${server.port} ssh-ed25519 ${blob(nodeKey)}\n[${NODE}]:${server.port} ssh-ed25519 ${blob(otherKey)}\n`)
    const error = await exec(impostor)
    assert.ok(isAiHowError(error) && error.code === 'SSH_HOST_KEY_MISMATCH', String(error))
  })
})
