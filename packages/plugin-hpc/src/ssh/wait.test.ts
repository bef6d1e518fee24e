import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {execFile, execFileSync, spawnSync} from 'node:child_process'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import net from 'node:net'
import type {AddressInfo} from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import ssh2 from 'ssh2'
import type {Connection, ParsedKey, Server} from 'ssh2'
import {hasCode, isAiHowError} from '@ai-how/core'
import {sshExec} from './exec.js'
import {ensureClusterKeyPair, parsableKeyPair} from './keypair.js'
import type {SshKeyPair} from './keypair.js'
import {hostPatterns, parseKnownHosts, recordHostKey} from './known-hosts.js'
import {waitForAll} from './wait-all.js'
import {waitForSsh} from './wait.js'
import type {WaitForSshOptions} from './wait.js'

const USER = 'debian'
const fast = {initialDelayMs: 100, maxDelayMs: 300, attemptTimeoutMs: 2000}
const hasTool = (tool: string): boolean => spawnSync(tool, ['-V'], {stdio: 'ignore'}).error === undefined

interface TestServer {port: number; hostKey: ParsedKey; commands: string[]; close(): Promise<void>}

/** The host key of the test servers, known before they start (ai-how writes node keys before boot). */
const HOST_PRIVATE = parsableKeyPair().private

/** Records the test servers' host key for 127.0.0.1:port (and the alias) in `file`. */
async function trust(file: string, port: number, alias = 'hpc-controller'): Promise<void> {
  const key = ssh2.utils.parseKey(HOST_PRIVATE) as ParsedKey
  await recordHostKey(file, hostPatterns('127.0.0.1', port, alias), key.type, key.getPublicSSH().toString('base64'))
}

/** A real SSH server on 127.0.0.1 that accepts `authorized` for user debian and answers exec requests. */
async function startServer(port: number, authorized: SshKeyPair, exitFor: (command: string) => number = () => 0, hostPrivate = HOST_PRIVATE): Promise<TestServer> {
  const hostKey = ssh2.utils.parseKey(hostPrivate) as ParsedKey
  const allowed = ssh2.utils.parseKey(authorized.publicKey) as ParsedKey
  const connections = new Set<Connection>()
  const commands: string[] = []
  const server: Server = new ssh2.Server({hostKeys: [hostPrivate]}, (client) => {
    connections.add(client)
    client.on('close', () => connections.delete(client))
    client.on('error', () => undefined)
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.username !== USER || !ctx.key.data.equals(allowed.getPublicSSH())) {
        ctx.reject(['publickey'])
        return
      }
      if (ctx.signature === undefined || ctx.blob === undefined) ctx.accept()
      else if (allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) ctx.accept()
      else ctx.reject()
    })
    client.on('ready', () => {
      client.on('session', (accept) => {
        accept().on('exec', (acceptExec, _reject, info) => {
          commands.push(info.command)
          const stream = acceptExec()
          const exit = /^exit (\d+)$/.exec(info.command)
          if (exit === null) {
            stream.write(`ran: ${info.command}\n`)
            stream.stderr.write('note\n')
          }
          stream.exit(exit === null ? exitFor(info.command) : Number(exit[1]))
          stream.end()
        })
      })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => { resolve() })
  })
  return {
    port, hostKey, commands,
    close: () => new Promise<void>((resolve) => {
      for (const c of connections) c.end()
      server.close(() => { resolve() })
    }),
  }
}

/** Runs a tool without blocking the event loop (the SSH server under test lives in this process). */
function run(file: string, args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    const child = execFile(file, args, {encoding: 'utf8', timeout: 20_000}, (error, stdout, stderr) => {
      resolve({code: error === null ? 0 : child.exitCode, stdout, stderr})
    })
  })
}

async function freePort(): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const {port} = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => { resolve() }))
  return port
}

void describe('waitForSsh against an in-process ssh2 server', () => {
  let dir = ''
  let key: SshKeyPair
  const target = (port: number, extra: Partial<WaitForSshOptions> = {}): WaitForSshOptions => ({
    host: '127.0.0.1', port, user: USER, privateKey: key.privateKey, knownHostsFile: path.join(dir, 'known_hosts'),
    hostAlias: 'hpc-controller', deadlineMs: 10_000, ...fast, ...extra,
  })

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-ssh-'))
    key = await ensureClusterKeyPair(dir, 'test')
  })
  after(async () => { await rm(dir, {recursive: true, force: true}) })

  void it('succeeds after retries when the server starts listening late, and leaves its known host key recorded once', async () => {
    const port = await freePort()
    await trust(path.join(dir, 'known_hosts'), port)
    const late = sleep(1200).then(() => startServer(port, key))
    const ready = await waitForSsh(target(port))
    const server = await late
    try {
      assert.ok(ready.attempts > 1, `expected retries, got ${ready.attempts} attempt(s)`)
      assert.deepEqual(server.commands, ['true'])
      await waitForSsh(target(port))
      const text = await readFile(path.join(dir, 'known_hosts'), 'utf8')
      const expected = `[127.0.0.1]:${port},[hpc-controller]:${port} ssh-ed25519 ${server.hostKey.getPublicSSH().toString('base64')}`
      assert.deepEqual(text.split('\n').filter((l) => l.includes(`:${port} `)), [expected])
    } finally {
      await server.close()
    }
  })

  void it('writes known_hosts lines that ssh-keygen finds and that OpenSSH trusts with StrictHostKeyChecking=yes', {skip: !hasTool('ssh') && 'ssh not installed'}, async () => {
    const port = await freePort()
    const server = await startServer(port, key)
    const knownHosts = path.join(dir, 'known_hosts_openssh')
    await trust(knownHosts, port)
    try {
      await waitForSsh(target(port, {knownHostsFile: knownHosts}))
      const found = execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${port}`, '-f', knownHosts], {encoding: 'utf8'})
      assert.match(found, /ssh-ed25519 /)
      const ssh = await run('ssh', ['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`,
        '-o', 'IdentitiesOnly=yes', '-i', key.privateKeyPath, '-p', String(port), `${USER}@127.0.0.1`, 'echo', 'hello'])
      assert.equal(ssh.code, 0, ssh.stderr)
      assert.equal(ssh.stdout, 'ran: echo hello\n')
    } finally {
      await server.close()
    }
  })

  void it('fails with SSH_TIMEOUT naming host, attempts and ECONNREFUSED when nothing ever listens, within the deadline', async () => {
    const port = await freePort()
    const started = Date.now()
    const error: unknown = await waitForSsh(target(port, {deadlineMs: 1500, hints: {domainName: 'c-compute-01', networkName: 'c-network'}})).catch((e: unknown) => e)
    const elapsed = Date.now() - started
    assert.ok(hasCode(error, 'SSH_TIMEOUT'), String(error))
    assert.ok(isAiHowError(error))
    const details = error.details as {attempts: number; lastError: string}
    assert.ok(details.attempts >= 3, `attempts ${details.attempts}`)
    assert.equal(details.lastError, 'ECONNREFUSED')
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port} \\(c-compute-01\\).*${details.attempts} attempts.*ECONNREFUSED`))
    assert.ok(error.actions.some((a) => a.includes('/var/log/libvirt/qemu/c-compute-01.log')))
    assert.ok(elapsed >= 1500 && elapsed < 3000, `elapsed ${elapsed} ms`)
  })

  void it('reports ETIMEDOUT when the port accepts but never speaks SSH', async () => {
    const sockets = new Set<net.Socket>()
    const silent = net.createServer((socket) => { sockets.add(socket) })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const {port} = silent.address() as AddressInfo
    try {
      const error: unknown = await waitForSsh(target(port, {deadlineMs: 1500, attemptTimeoutMs: 500})).catch((e: unknown) => e)
      assert.ok(isAiHowError(error) && error.code === 'SSH_TIMEOUT', String(error))
      assert.equal((error.details as {lastError: string}).lastError, 'ETIMEDOUT')
      assert.ok(error.actions[0]?.includes('net-dhcp-leases'))
    } finally {
      for (const socket of sockets) socket.destroy()
      silent.close()
    }
  })

  void it('reports the error of the attempt before when the deadline cut the last attempt short, and a real timeout as such', async () => {
    const sockets = new Set<net.Socket>()
    let connections = 0
    // The first connection is reset at once; every later one is held open in silence.
    const flaky = net.createServer((socket) => {
      connections += 1
      if (connections === 1) socket.destroy()
      else sockets.add(socket)
    })
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve))
    const {port} = flaky.address() as AddressInfo
    try {
      const cut: unknown = await waitForSsh(target(port, {deadlineMs: 600, initialDelayMs: 100, attemptTimeoutMs: 5000})).catch((e: unknown) => e)
      assert.ok(isAiHowError(cut) && cut.code === 'SSH_TIMEOUT', String(cut))
      assert.equal((cut.details as {attempts: number}).attempts, 2)
      assert.equal((cut.details as {lastError: string}).lastError, 'HANDSHAKE_FAILED', 'the reset of the first attempt, not the timeout of the cut-short second')
      connections = 0
      const slow: unknown = await waitForSsh(target(port, {deadlineMs: 1000, initialDelayMs: 100, attemptTimeoutMs: 200})).catch((e: unknown) => e)
      assert.ok(isAiHowError(slow) && slow.code === 'SSH_TIMEOUT', String(slow))
      assert.equal((slow.details as {lastError: string}).lastError, 'ETIMEDOUT')
    } finally {
      for (const socket of sockets) socket.destroy()
      flaky.close()
    }
  })

  void it('reports AUTH_FAILED when the server does not trust the key', async () => {
    const port = await freePort()
    const stranger = await ensureClusterKeyPair(dir, 'stranger')
    const server = await startServer(port, stranger)
    await trust(path.join(dir, 'kh-auth'), port)
    try {
      const error: unknown = await waitForSsh(target(port, {deadlineMs: 1000, knownHostsFile: path.join(dir, 'kh-auth')})).catch((e: unknown) => e)
      assert.ok(isAiHowError(error) && error.code === 'SSH_TIMEOUT', String(error))
      assert.equal((error.details as {lastError: string}).lastError, 'AUTH_FAILED')
    } finally {
      await server.close()
    }
  })

  void it('refuses a host whose key changed since it was recorded, at once and without rewriting the record', async () => {
    const port = await freePort()
    const knownHosts = path.join(dir, 'kh-mismatch')
    await trust(knownHosts, port)
    const first = await startServer(port, key)
    await waitForSsh(target(port, {knownHostsFile: knownHosts}))
    await first.close()
    const before = await readFile(knownHosts, 'utf8')
    const second = await startServer(port, key, undefined, parsableKeyPair().private)
    try {
      const started = Date.now()
      const error: unknown = await waitForSsh(target(port, {knownHostsFile: knownHosts})).catch((e: unknown) => e)
      assert.ok(isAiHowError(error) && error.code === 'SSH_HOST_KEY_MISMATCH', String(error))
      assert.ok(Date.now() - started < 2000, 'a mismatch must not be retried until the deadline')
      assert.match(error.message, new RegExp(`^refusing hpc-controller \\(127\\.0\\.0\\.1\\): its SSH host key \\(ssh-ed25519\\) is not the one ai-how generated`))
      assert.equal(await readFile(knownHosts, 'utf8'), before)
      assert.equal(second.commands.length, 0)
    } finally {
      await second.close()
    }
  })

  void it('with waitForCloudInit, waits for `cloud-init status --wait` and stops at once when cloud-init failed', async () => {
    const port = await freePort()
    let cloudInitExit = 0
    const server = await startServer(port, key, () => cloudInitExit)
    await trust(path.join(dir, 'known_hosts'), port)
    try {
      await waitForSsh(target(port, {waitForCloudInit: true}))
      assert.deepEqual(server.commands, ['cloud-init status --wait'])
      cloudInitExit = 1
      const started = Date.now()
      await assert.rejects(waitForSsh(target(port, {waitForCloudInit: true})), (e) => hasCode(e, 'CLOUD_INIT_FAILED'))
      assert.ok(Date.now() - started < 2000)
    } finally {
      await server.close()
    }
  })

  void it('stops when the signal aborts', async () => {
    const port = await freePort()
    const started = Date.now()
    await assert.rejects(waitForSsh(target(port, {signal: AbortSignal.timeout(400)})), (e: Error) => e.name === 'TimeoutError' || e.name === 'AbortError')
    assert.ok(Date.now() - started < 1500)
  })

  void it('waitForAll waits for every node with a bound and names every node that failed', async () => {
    const ports = [await freePort(), await freePort(), await freePort(), await freePort()]
    const servers = await Promise.all(ports.slice(0, 2).map((p) => startServer(p, key)))
    for (const [i, p] of ports.slice(0, 2).entries()) await trust(path.join(dir, 'kh-all'), p, `node-${i}`)
    try {
      const nodes = ports.map((p, i) => target(p, {hostAlias: `node-${i}`, knownHostsFile: path.join(dir, 'kh-all'), deadlineMs: 1000}))
      const ready = await waitForAll(nodes.slice(0, 2), {concurrency: 1})
      assert.deepEqual(ready.map((r) => r.attempts), [1, 1])
      const started = Date.now()
      const error: unknown = await waitForAll(nodes, {concurrency: 4}).catch((e: unknown) => e)
      assert.ok(Date.now() - started < 1900, 'the nodes are waited for in parallel')
      assert.ok(isAiHowError(error) && error.code === 'SSH_TIMEOUT', String(error))
      assert.match(error.message, /^2 of 4 nodes are not ready over SSH:\n {2}node-2: .*ECONNREFUSED.*\n {2}node-3: .*ECONNREFUSED/)
      assert.deepEqual((error.details as {failures: {alias: string}[]}).failures.map((f) => f.alias), ['node-2', 'node-3'])
      const lines = parseKnownHosts(await readFile(path.join(dir, 'kh-all'), 'utf8'))
      assert.deepEqual(lines.map((l) => l.hosts[1]), [`[node-0]:${ports[0] ?? 0}`, `[node-1]:${ports[1] ?? 0}`])
    } finally {
      await Promise.all(servers.map((s) => s.close()))
    }
  })

  void it('sshExec runs one command, quoting array words, and returns output and exit code', async () => {
    const port = await freePort()
    const server = await startServer(port, key)
    const base = {host: '127.0.0.1', port, user: USER, privateKey: key.privateKey, knownHostsFile: path.join(dir, 'kh-exec')}
    await trust(base.knownHostsFile, port)
    try {
      const ok = await sshExec({...base, command: ['systemctl', 'stop', "it's"]})
      assert.deepEqual(ok, {stdout: `ran: 'systemctl' 'stop' 'it'\\''s'\n`, stderr: 'note\n', exitCode: 0, signal: null})
      const failed = await sshExec({...base, command: 'exit 3'})
      assert.equal(failed.exitCode, 3)
      await server.close()
      await assert.rejects(sshExec({...base, command: 'true', timeoutMs: 1000}), (e) => hasCode(e, 'SSH_FAILED'))
    } finally {
      await server.close()
    }
  })
})
