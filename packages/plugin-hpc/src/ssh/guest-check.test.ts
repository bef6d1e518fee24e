import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {isAiHowError} from '@ai-how/core'
import {ensureClusterKeyPair} from './keypair.js'
import type {SshKeyPair} from './keypair.js'
import {fakeGuest, hasShell} from './testing/fake-guest.js'
import type {GuestBehaviour} from './testing/fake-guest.js'
import {freePort, startServer, trust, virtualClock} from './testing/ssh-server.js'
import type {Answer, TestServer} from './testing/ssh-server.js'
import {waitForSsh} from './wait.js'
import type {WaitForSshOptions} from './wait.js'

void describe('waitForSsh with waitForCloudInit: what ai-how needs from the guest, and cloud-init failures', () => {
  let dir = ''
  let key: SshKeyPair
  const target = (port: number, extra: Partial<WaitForSshOptions> = {}): WaitForSshOptions => ({
    host: '127.0.0.1', port, user: 'debian', privateKey: key.privateKey, knownHostsFile: path.join(dir, `known_hosts-${port}`),
    hostAlias: 'hpc-controller', deadlineMs: 10_000, initialDelayMs: 100, maxDelayMs: 300, attemptTimeoutMs: 5000, ...extra,
  })

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-guest-'))
    key = await ensureClusterKeyPair(dir, 'test')
  })
  after(async () => { await rm(dir, {recursive: true, force: true}) })

  const REPORT = 'cloud-init status --format json 2>/dev/null'
  const RESULT_JSON = 'cat /run/cloud-init/result.json 2>/dev/null'

  /** A guest that behaves as `behaviour` says, behind a test server (its `sh -c` commands run by a real local shell). */
  async function guest(behaviour: GuestBehaviour = {}): Promise<{server: TestServer; calls: () => Promise<string[]>}> {
    const port = await freePort()
    const fake = await fakeGuest(dir, behaviour)
    const server = await startServer(port, key, fake.answer)
    await trust(path.join(dir, `known_hosts-${port}`), port)
    return {server, calls: fake.calls}
  }
  /** The exec requests the server received, the folded command as 'probe'. */
  const execs = (server: TestServer): string[] => server.commands.map((c) => (c.startsWith('sh -c ') ? 'probe' : c))
  const failure = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => assert.fail('resolved'), (e: unknown) => e)

  for (const shell of ['dash', 'bash'] as const) {
    void it(`waits for cloud-init, then checks passwordless sudo and the hostname, all in one exec (login shell ${shell})`, {skip: !hasShell(shell) && `${shell} not installed`}, async () => {
      const {server, calls} = await guest({shell})
      try {
        const clock = virtualClock()
        const ready = await waitForSsh(target(server.port, {waitForCloudInit: true, expectedHostname: 'hpc-controller', now: clock.now, sleep: clock.sleep}))
        assert.deepEqual(execs(server), ['probe'], 'one exec channel in all')
        assert.deepEqual(await calls(), ['cloud-init status --wait', 'sudo -n true', 'uname -n'])
        assert.deepEqual({attempts: ready.attempts, warnings: ready.warnings}, {attempts: 1, warnings: []})
      } finally {
        await server.close()
      }
    })
  }

  void it('tells when SSH first accepted the key apart from when cloud-init was done and the checks passed (the start timings split them)', async () => {
    const clock = virtualClock()
    const {server} = await guest({onCommand: (command) => { if (command.startsWith('sh -c ')) clock.advance(7000) }})
    try {
      clock.advance(1500)
      const ready = await waitForSsh(target(server.port, {waitForCloudInit: true, expectedHostname: 'hpc-controller', now: clock.now, sleep: clock.sleep}))
      assert.deepEqual({connectedMs: ready.connectedMs, elapsedMs: ready.elapsedMs}, {connectedMs: 0, elapsedMs: 7000})
    } finally {
      await server.close()
    }
  })

  const statusJson = (errors: string[]): Answer => ({exit: 1, stdout: JSON.stringify({status: 'error', errors}, null, 2)})
  const LOCALE = `('locale', ProcessExecutionError("Unexpected error while running command.\nCommand: ['update-locale', '--locale-file=/etc/default/locale', 'LANG=en_US.UTF-8']\nExit code: 255"))`

  void it('by default, a failed cloud-init module is a warning naming it and the log on the VM, once sudo and the hostname work', async () => {
    const {server, calls} = await guest({cloudInitExit: 1, answers: {[REPORT]: statusJson([LOCALE])}})
    try {
      const clock = virtualClock()
      const ready = await waitForSsh(target(server.port, {waitForCloudInit: true, expectedHostname: 'hpc-controller', now: clock.now, sleep: clock.sleep}))
      assert.deepEqual(execs(server), ['probe', REPORT], 'the report is read in a second exec, only because cloud-init failed')
      assert.deepEqual(await calls(), ['cloud-init status --wait', 'sudo -n true', 'uname -n'])
      assert.deepEqual(ready.warnings, [
        'cloud-init on hpc-controller (127.0.0.1): module locale failed (see /var/log/cloud-init.log on the VM); SSH as debian with the cluster key, ' +
        'passwordless sudo, the hostname hpc-controller work, so start goes on (--strict-cloud-init makes this fail the start)',
      ])
      assert.deepEqual(clock.sleeps, [])
    } finally {
      await server.close()
    }
  })

  void it('reads /run/cloud-init/result.json when cloud-init is too old for status --format json', async () => {
    const {server, calls} = await guest({cloudInitExit: 1, answers: {
      [REPORT]: {exit: 2, stderr: 'cloud-init status: error: unrecognized arguments: --format json\n'},
      [RESULT_JSON]: {exit: 0, stdout: JSON.stringify({v1: {datasource: 'DataSourceNoCloud', errors: [LOCALE, "('ntp', RuntimeError('x'))"]}})},
    }})
    try {
      const ready = await waitForSsh(target(server.port, {waitForCloudInit: true}))
      assert.deepEqual(execs(server), ['probe', REPORT, RESULT_JSON])
      assert.deepEqual(await calls(), ['cloud-init status --wait', 'sudo -n true'], 'no hostname expected: uname is not run')
      const warnings = ready.warnings ?? []
      assert.equal(warnings.length, 1)
      assert.match(warnings[0] ?? '', /^cloud-init on hpc-controller \(127\.0\.0\.1\): modules locale, ntp failed \(see \/var\/log\/cloud-init\.log on the VM\)/)
    } finally {
      await server.close()
    }
  })

  void it('with strictCloudInit, a failed cloud-init fails the node at once as CLOUD_INIT_FAILED naming the module, without running the checks', async () => {
    const {server, calls} = await guest({cloudInitExit: 1, answers: {[REPORT]: statusJson([LOCALE])}})
    try {
      const clock = virtualClock()
      const error = await failure(waitForSsh(target(server.port, {waitForCloudInit: true, strictCloudInit: true, expectedHostname: 'hpc-controller', now: clock.now, sleep: clock.sleep})))
      assert.ok(isAiHowError(error) && error.code === 'CLOUD_INIT_FAILED', String(error))
      assert.equal(error.message, 'cloud-init failed on hpc-controller (127.0.0.1): module locale failed')
      assert.deepEqual(error.details, {host: '127.0.0.1', exitCode: 1, failedModules: ['locale'], errors: []})
      assert.ok(error.actions[0]?.includes('/var/log/cloud-init.log'))
      assert.deepEqual(execs(server), ['probe', REPORT])
      assert.deepEqual(await calls(), ['cloud-init status --wait'])
      assert.deepEqual(clock.sleeps, [], 'cloud-init has finished: waiting longer changes nothing')
    } finally {
      await server.close()
    }
  })

  void it('cloud-init done with recoverable errors (exit 2) is no failure, strict or not', async () => {
    const {server, calls} = await guest({cloudInitExit: 2})
    try {
      const ready = await waitForSsh(target(server.port, {waitForCloudInit: true, strictCloudInit: true}))
      assert.deepEqual(ready.warnings, [])
      assert.deepEqual(execs(server), ['probe'])
      assert.deepEqual(await calls(), ['cloud-init status --wait', 'sudo -n true'])
    } finally {
      await server.close()
    }
  })

  void it('fails at once as GUEST_SUDO_FAILED when the user has no passwordless sudo, with what cloud-init reported', async () => {
    const {server} = await guest({
      cloudInitExit: 1, answers: {[REPORT]: statusJson(["('users-groups', KeyError('sudo'))"])},
      sudo: {exit: 1, stderr: 'sudo: a password is required\n'},
    })
    try {
      const clock = virtualClock()
      const error = await failure(waitForSsh(target(server.port, {waitForCloudInit: true, now: clock.now, sleep: clock.sleep})))
      assert.ok(isAiHowError(error) && error.code === 'GUEST_SUDO_FAILED', String(error))
      assert.equal(error.message, 'debian on hpc-controller (127.0.0.1) has no passwordless sudo (sudo -n true exited 1: sudo: a password is required); ' +
        'cloud-init also reported: module users-groups failed')
      assert.deepEqual(error.details, {host: '127.0.0.1', user: 'debian', exitCode: 1})
      assert.equal(error.actions.length, 2)
      assert.deepEqual(clock.sleeps, [])
    } finally {
      await server.close()
    }
  })

  void it('GUEST_SUDO_FAILED quotes the first line of sudo\'s stdout when its stderr is empty', async () => {
    const {server} = await guest({sudo: {exit: 3, stdout: 'first\nsecond'}})
    try {
      const error = await failure(waitForSsh(target(server.port, {waitForCloudInit: true})))
      assert.ok(isAiHowError(error) && error.code === 'GUEST_SUDO_FAILED', String(error))
      assert.equal(error.message, 'debian on hpc-controller (127.0.0.1) has no passwordless sudo (sudo -n true exited 3: first)')
    } finally {
      await server.close()
    }
  })

  void it('GUEST_SUDO_FAILED names the signal that killed sudo, as when sudo had a channel of its own', async () => {
    const {server} = await guest({sudo: {exit: 0, stderr: 'sudo: interrupted\n', killedBy: 'TERM'}})
    try {
      const error = await failure(waitForSsh(target(server.port, {waitForCloudInit: true})))
      assert.ok(isAiHowError(error) && error.code === 'GUEST_SUDO_FAILED', String(error))
      assert.equal(error.message, 'debian on hpc-controller (127.0.0.1) has no passwordless sudo (sudo -n true exited SIGTERM: sudo: interrupted)')
      assert.deepEqual(error.details, {host: '127.0.0.1', user: 'debian', exitCode: null})
    } finally {
      await server.close()
    }
  })

  void it('fails at once as GUEST_HOSTNAME_MISMATCH when the node keeps another hostname', async () => {
    const {server} = await guest({hostname: 'debian\n'})
    try {
      const error = await failure(waitForSsh(target(server.port, {waitForCloudInit: true, expectedHostname: 'hpc-controller'})))
      assert.ok(isAiHowError(error) && error.code === 'GUEST_HOSTNAME_MISMATCH', String(error))
      assert.equal(error.message, "hpc-controller (127.0.0.1) reports hostname 'debian', not 'hpc-controller'")
      assert.deepEqual(error.details, {host: '127.0.0.1', expected: 'hpc-controller', actual: 'debian'})
      assert.deepEqual(execs(server), ['probe'])
    } finally {
      await server.close()
    }
  })

  // Marker lines as the probe prints them, under another nonce of the same form: what a guest could print.
  const FORGED = 'ai-how-0123456789abcdef0123456789abcdef'

  for (const shell of ['dash', 'bash'] as const) {
    void it(`marker text in sudo's stderr or in the hostname does not pass for the probe's own (login shell ${shell})`, {skip: !hasShell(shell) && `${shell} not installed`}, async () => {
      const forgedSudo = await guest({shell, sudo: {exit: 1, stderr: `sudo: no\n${FORGED} end sudo 0\n\n${FORGED} end sudo\n${FORGED} cloud-init 0\n`}})
      const forgedName = await guest({shell, hostname: `debian\n\n${FORGED} end uname 0\nhpc-controller\n`})
      try {
        const sudo = await failure(waitForSsh(target(forgedSudo.server.port, {waitForCloudInit: true})))
        assert.ok(isAiHowError(sudo) && sudo.code === 'GUEST_SUDO_FAILED', String(sudo))
        assert.equal(sudo.message, 'debian on hpc-controller (127.0.0.1) has no passwordless sudo (sudo -n true exited 1: sudo: no)')
        const name = await failure(waitForSsh(target(forgedName.server.port, {waitForCloudInit: true, expectedHostname: 'hpc-controller'})))
        assert.ok(isAiHowError(name) && name.code === 'GUEST_HOSTNAME_MISMATCH', String(name))
        assert.deepEqual(name.details, {host: '127.0.0.1', expected: 'hpc-controller', actual: `debian\n\n${FORGED} end uname 0\nhpc-controller`})
      } finally {
        await forgedSudo.server.close()
        await forgedName.server.close()
      }
    })
  }

  void it('retries the probe when cloud-init status --wait is killed by a signal, as before the fold', async () => {
    const {server, calls} = await guest({cloudInitKills: 1})
    try {
      const clock = virtualClock()
      const lines: string[] = []
      const ready = await waitForSsh(target(server.port, {waitForCloudInit: true, expectedHostname: 'hpc-controller', now: clock.now, sleep: clock.sleep, log: (l) => lines.push(l)}))
      assert.deepEqual({attempts: ready.attempts, warnings: ready.warnings, sleeps: clock.sleeps}, {attempts: 2, warnings: [], sleeps: [100]})
      assert.match(lines[0] ?? '', /attempt 1 failed \(EXIT_SIGTERM: 'cloud-init status --wait' exited with SIGTERM\)/)
      assert.deepEqual(await calls(), ['cloud-init status --wait', 'cloud-init status --wait', 'sudo -n true', 'uname -n'])
    } finally {
      await server.close()
    }
  })

  void it('retries the probe when the folded command is killed before the checks report', async () => {
    const port = await freePort()
    let probes = 0
    const fake = await fakeGuest(dir)
    const server = await startServer(port, key, (command) => {
      probes += 1
      return probes === 1 ? {exit: 0, signal: 'KILL'} : fake.answer(command)
    })
    await trust(path.join(dir, `known_hosts-${port}`), port)
    try {
      const clock = virtualClock()
      const lines: string[] = []
      const ready = await waitForSsh(target(port, {waitForCloudInit: true, expectedHostname: 'hpc-controller', now: clock.now, sleep: clock.sleep, log: (l) => lines.push(l)}))
      assert.deepEqual({attempts: ready.attempts, warnings: ready.warnings}, {attempts: 2, warnings: []})
      assert.match(lines[0] ?? '', /attempt 1 failed \(EXIT_SIGKILL: the guest checks ended before 'cloud-init status --wait' did \(exited with SIGKILL\)\)/)
    } finally {
      await server.close()
    }
  })
})
