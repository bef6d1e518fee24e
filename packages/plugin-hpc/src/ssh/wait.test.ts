import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {execFile, execFileSync, spawnSync} from 'node:child_process'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import net from 'node:net'
import type {AddressInfo} from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {hasCode, isAiHowError} from '@ai-how/core'
import {sshExec} from './exec.js'
import {ensureClusterKeyPair, parsableKeyPair} from './keypair.js'
import type {SshKeyPair} from './keypair.js'
import {parseKnownHosts} from './known-hosts.js'
import {fakeGuest} from './testing/fake-guest.js'
import {freePort, startServer, trust, USER, virtualClock} from './testing/ssh-server.js'
import type {TestServer} from './testing/ssh-server.js'
import {waitForAll} from './wait-all.js'
import {waitForSsh} from './wait.js'
import type {WaitForSshOptions} from './wait.js'

const fast = {initialDelayMs: 100, maxDelayMs: 300, attemptTimeoutMs: 2000}
const hasTool = (tool: string): boolean => spawnSync(tool, ['-V'], {stdio: 'ignore'}).error === undefined

/** Runs a tool without blocking the event loop (the SSH server under test lives in this process). */
function run(file: string, args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    const child = execFile(file, args, {encoding: 'utf8', timeout: 20_000}, (error, stdout, stderr) => {
      resolve({code: error === null ? 0 : child.exitCode, stdout, stderr})
    })
  })
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
    let late: Promise<TestServer> | undefined
    // The server starts during the first pause: the first attempt is refused, the second succeeds.
    const clock = virtualClock(async (call) => { if (call === 1) await (late = startServer(port, key)) })
    const ready = await waitForSsh(target(port, {now: clock.now, sleep: clock.sleep}))
    assert.ok(late)
    const server = await late
    try {
      assert.deepEqual({attempts: ready.attempts, elapsedMs: ready.elapsedMs, sleeps: clock.sleeps}, {attempts: 2, elapsedMs: 100, sleeps: [100]})
      assert.deepEqual(server.commands, ['true'])
      await waitForSsh(target(port))
      const text = await readFile(path.join(dir, 'known_hosts'), 'utf8')
      const expected = `[127.0.0.1]:${port},[hpc-controller]:${port} ssh-ed25519 ${server.hostKey.getPublicSSH().toString('base64')}`
      assert.deepEqual(text.split('\n').filter((l) => l.includes(`:${port} `)), [expected])
    } finally {
      await server.close()
    }
  })

  void it('without waitForCloudInit, a probe is one exec of `true`, retried while it fails', async () => {
    const port = await freePort()
    let calls = 0
    const server = await startServer(port, key, () => { calls += 1; return calls === 1 ? {exit: 1} : {exit: 0} })
    await trust(path.join(dir, 'known_hosts'), port)
    try {
      const clock = virtualClock()
      const lines: string[] = []
      const ready = await waitForSsh(target(port, {now: clock.now, sleep: clock.sleep, log: (l) => lines.push(l)}))
      assert.deepEqual({attempts: ready.attempts, warnings: ready.warnings}, {attempts: 2, warnings: []})
      assert.deepEqual(server.commands, ['true', 'true'])
      assert.match(lines[0] ?? '', /attempt 1 failed \(EXIT_1: 'true' exited with 1\)/)
    } finally {
      await server.close()
    }
  })

  void it('with waitForCloudInit, a probe is one exec: cloud-init status --wait and the guest checks in one command', async () => {
    const port = await freePort()
    const fake = await fakeGuest(dir)
    const server = await startServer(port, key, fake.answer)
    await trust(path.join(dir, 'known_hosts'), port)
    try {
      const ready = await waitForSsh(target(port, {waitForCloudInit: true, expectedHostname: 'hpc-controller'}))
      assert.deepEqual({attempts: ready.attempts, warnings: ready.warnings, execs: server.commands.length}, {attempts: 1, warnings: [], execs: 1})
      assert.deepEqual(await fake.calls(), ['cloud-init status --wait', 'sudo -n true', 'uname -n'])
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

  void it('fails with SSH_TIMEOUT naming host, attempts and ECONNREFUSED when nothing ever listens, at the deadline', async () => {
    const port = await freePort()
    const clock = virtualClock()
    const error: unknown = await waitForSsh(target(port, {deadlineMs: 1500, now: clock.now, sleep: clock.sleep, hints: {domainName: 'c-compute-01', networkName: 'c-network'}})).catch((e: unknown) => e)
    assert.ok(hasCode(error, 'SSH_TIMEOUT'), String(error))
    assert.ok(isAiHowError(error))
    // Attempts at 0, 100, 300, 600, 900 and 1200 ms; the pause after the last one ends at the deadline.
    assert.deepEqual(clock.sleeps, [100, 200, 300, 300, 300, 300])
    assert.deepEqual(error.details, {host: '127.0.0.1', port, user: USER, attempts: 6, elapsedMs: 1500, lastError: 'ECONNREFUSED', lastMessage: (error.details as {lastMessage: string}).lastMessage})
    assert.match(error.message, new RegExp(`^debian@127\\.0\\.0\\.1:${port} \\(c-compute-01\\) did not answer SSH within 1\\.5 s after 6 attempts; last error ECONNREFUSED`))
    assert.ok(error.actions.some((a) => a.includes('/var/log/libvirt/qemu/c-compute-01.log')))
  })

  void it('by default backs off from 250 ms to at most 1 s between probes, so a node is seen within a second of answering', async () => {
    const port = await freePort()
    const clock = virtualClock()
    const options = target(port, {deadlineMs: 5000, now: clock.now, sleep: clock.sleep})
    delete options.initialDelayMs
    delete options.maxDelayMs
    const error: unknown = await waitForSsh(options).catch((e: unknown) => e)
    assert.ok(hasCode(error, 'SSH_TIMEOUT'), String(error))
    assert.deepEqual(clock.sleeps, [250, 500, 1000, 1000, 1000, 1000, 250])
  })

  void it('reports ETIMEDOUT when the port accepts but never speaks SSH', async () => {
    const sockets = new Set<net.Socket>()
    const silent = net.createServer((socket) => { sockets.add(socket) })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const {port} = silent.address() as AddressInfo
    try {
      const clock = virtualClock()
      const error: unknown = await waitForSsh(target(port, {deadlineMs: 600, attemptTimeoutMs: 500, now: clock.now, sleep: clock.sleep})).catch((e: unknown) => e)
      assert.ok(isAiHowError(error) && error.code === 'SSH_TIMEOUT', String(error))
      assert.deepEqual(error.details, {host: '127.0.0.1', port, user: USER, attempts: 3, elapsedMs: 600, lastError: 'ETIMEDOUT', lastMessage: (error.details as {lastMessage: string}).lastMessage})
      assert.ok(error.actions[0]?.includes('net-dhcp-leases'))
    } finally {
      for (const socket of sockets) socket.destroy()
      silent.close()
    }
  })

  void it('reports the error of the attempt before when the deadline cut the last attempt short, and a real timeout as such', async () => {
    const sockets = new Set<net.Socket>()
    let connections = 0
    let onSecond = (): void => undefined
    // The first connection is reset at once; every later one is held open in silence.
    const flaky = net.createServer((socket) => {
      connections += 1
      if (connections === 2) onSecond()
      if (connections === 1) socket.destroy()
      else sockets.add(socket)
    })
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve))
    const {port} = flaky.address() as AddressInfo
    try {
      const clock = virtualClock()
      // The second attempt gets the 500 ms left of the deadline, and uses them all.
      onSecond = () => { clock.advance(500) }
      const cut: unknown = await waitForSsh(target(port, {deadlineMs: 600, initialDelayMs: 100, attemptTimeoutMs: 5000, now: clock.now, sleep: clock.sleep})).catch((e: unknown) => e)
      assert.ok(isAiHowError(cut) && cut.code === 'SSH_TIMEOUT', String(cut))
      assert.equal((cut.details as {attempts: number}).attempts, 2)
      assert.equal((cut.details as {lastError: string}).lastError, 'HANDSHAKE_FAILED', 'the reset of the first attempt, not the timeout of the cut-short second')
      connections = 0
      onSecond = () => undefined
      const slowClock = virtualClock()
      const slow: unknown = await waitForSsh(target(port, {deadlineMs: 1000, initialDelayMs: 100, attemptTimeoutMs: 200, now: slowClock.now, sleep: slowClock.sleep})).catch((e: unknown) => e)
      assert.ok(isAiHowError(slow) && slow.code === 'SSH_TIMEOUT', String(slow))
      // Attempts at 0 (reset), 100, 300, 600 (timed out after their full 200 ms) and 900 (cut short by the deadline).
      assert.deepEqual(slowClock.sleeps, [100, 200, 300, 300, 100])
      assert.equal((slow.details as {attempts: number}).attempts, 5)
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
      const clock = virtualClock()
      const error: unknown = await waitForSsh(target(port, {deadlineMs: 1000, knownHostsFile: path.join(dir, 'kh-auth'), now: clock.now, sleep: clock.sleep})).catch((e: unknown) => e)
      assert.ok(isAiHowError(error) && error.code === 'SSH_TIMEOUT', String(error))
      assert.equal((error.details as {lastError: string}).lastError, 'AUTH_FAILED')
      assert.equal((error.details as {attempts: number}).attempts, 5)
      assert.equal(server.commands.length, 0)
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
      const clock = virtualClock()
      const error: unknown = await waitForSsh(target(port, {knownHostsFile: knownHosts, now: clock.now, sleep: clock.sleep})).catch((e: unknown) => e)
      assert.ok(isAiHowError(error) && error.code === 'SSH_HOST_KEY_MISMATCH', String(error))
      assert.deepEqual(clock.sleeps, [], 'a mismatch is not retried')
      assert.match(error.message, new RegExp(`^refusing hpc-controller \\(127\\.0\\.0\\.1\\): its SSH host key \\(ssh-ed25519\\) is not the one ai-how generated`))
      assert.equal(await readFile(knownHosts, 'utf8'), before)
      assert.equal(second.commands.length, 0)
    } finally {
      await second.close()
    }
  })

  void it('stops when the signal aborts during a pause', async () => {
    const port = await freePort()
    const abort = new AbortController()
    const clock = virtualClock((call) => { if (call === 2) abort.abort() })
    await assert.rejects(waitForSsh(target(port, {signal: abort.signal, now: clock.now, sleep: clock.sleep})), (e: Error) => e.name === 'AbortError')
    assert.deepEqual(clock.sleeps, [100, 200])
  })

  void it('the real pause ends as soon as the signal aborts', {timeout: 10_000}, async () => {
    const port = await freePort()
    const abort = new AbortController()
    // A pause of 60 s after the first refused attempt, aborted as soon as that failure is logged.
    const log = (line: string): void => { if (line.includes('attempt 1 failed')) abort.abort() }
    await assert.rejects(waitForSsh(target(port, {signal: abort.signal, initialDelayMs: 60_000, maxDelayMs: 60_000, log})), (e: Error) => e.name === 'AbortError')
  })

  void it('waitForAll waits for every node with a bound and names every node that failed', async () => {
    const ports = [await freePort(), await freePort(), await freePort(), await freePort()]
    const servers = await Promise.all(ports.slice(0, 2).map((p) => startServer(p, key)))
    for (const [i, p] of ports.slice(0, 2).entries()) await trust(path.join(dir, 'kh-all'), p, `node-${i}`)
    try {
      const nodes = ports.map((p, i) => target(p, {hostAlias: `node-${i}`, knownHostsFile: path.join(dir, 'kh-all'), deadlineMs: 1000}))
      const ready = await waitForAll(nodes.slice(0, 2), {concurrency: 1})
      assert.deepEqual(ready.map((r) => r.attempts), [1, 1])
      // The first pause of each failing node waits until both are pausing: in parallel, or never.
      let pausing = 0
      let bothPausing = (): void => undefined
      const together = new Promise<void>((resolve) => { bothPausing = resolve })
      const withClock = (node: WaitForSshOptions): WaitForSshOptions => {
        const clock = virtualClock(async (call) => {
          if (call !== 1) return
          pausing += 1
          if (pausing === 2) bothPausing()
          await together
        })
        return {...node, now: clock.now, sleep: clock.sleep}
      }
      const error: unknown = await waitForAll(nodes.map(withClock), {concurrency: 4}).catch((e: unknown) => e)
      assert.equal(pausing, 2, 'the nodes are waited for in parallel')
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
