import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {isAiHowError} from '@ai-how/core'
import {ensureClusterKeyPair} from './keypair.js'
import type {SshKeyPair} from './keypair.js'
import {freePort, startServer, trust, virtualClock} from './testing/ssh-server.js'
import type {Answer, TestServer} from './testing/ssh-server.js'
import {waitForSsh} from './wait.js'
import type {WaitForSshOptions} from './wait.js'

void describe('waitForSsh with waitForCloudInit: what ai-how needs from the guest, and cloud-init failures', () => {
  let dir = ''
  let key: SshKeyPair
  const target = (port: number, extra: Partial<WaitForSshOptions> = {}): WaitForSshOptions => ({
    host: '127.0.0.1', port, user: 'debian', privateKey: key.privateKey, knownHostsFile: path.join(dir, `known_hosts-${port}`),
    hostAlias: 'hpc-controller', deadlineMs: 10_000, initialDelayMs: 100, maxDelayMs: 300, attemptTimeoutMs: 2000, ...extra,
  })

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-guest-'))
    key = await ensureClusterKeyPair(dir, 'test')
  })
  after(async () => { await rm(dir, {recursive: true, force: true}) })

  void it('with waitForCloudInit, waits for cloud-init, then checks passwordless sudo and the hostname', async () => {
    const port = await freePort()
    const server = await startServer(port, key, (command) => (command === 'uname -n' ? {exit: 0, stdout: 'hpc-controller\n'} : 0))
    await trust(path.join(dir, `known_hosts-${port}`), port)
    try {
      const clock = virtualClock()
      const ready = await waitForSsh(target(port, {waitForCloudInit: true, expectedHostname: 'hpc-controller', now: clock.now, sleep: clock.sleep}))
      assert.deepEqual(server.commands, ['cloud-init status --wait', 'sudo -n true', 'uname -n'])
      assert.deepEqual({attempts: ready.attempts, warnings: ready.warnings}, {attempts: 1, warnings: []})
    } finally {
      await server.close()
    }
  })

  void it('tells when SSH first accepted the key apart from when cloud-init was done (the start timings split them)', async () => {
    const port = await freePort()
    const clock = virtualClock()
    const server = await startServer(port, key, (command) => {
      if (command === 'cloud-init status --wait') clock.advance(7000)
      return command === 'uname -n' ? {exit: 0, stdout: 'hpc-controller\n'} : 0
    })
    await trust(path.join(dir, `known_hosts-${port}`), port)
    try {
      clock.advance(1500)
      const ready = await waitForSsh(target(port, {waitForCloudInit: true, expectedHostname: 'hpc-controller', now: clock.now, sleep: clock.sleep}))
      assert.deepEqual({connectedMs: ready.connectedMs, elapsedMs: ready.elapsedMs}, {connectedMs: 0, elapsedMs: 7000})
    } finally {
      await server.close()
    }
  })

  /** A guest whose cloud-init finished with `cloudInitExit` and whose commands answer as `answers` says. */
  async function guest(cloudInitExit: number, answers: Record<string, Answer> = {}): Promise<TestServer> {
    const port = await freePort()
    const server = await startServer(port, key, (command) => {
      if (command === 'cloud-init status --wait') return cloudInitExit
      return answers[command] ?? (command === 'uname -n' ? {exit: 0, stdout: 'hpc-controller\n'} : 0)
    })
    await trust(path.join(dir, `known_hosts-${port}`), port)
    return server
  }
  const statusJson = (errors: string[]): Answer => ({exit: 1, stdout: JSON.stringify({status: 'error', errors}, null, 2)})
  const LOCALE = `('locale', ProcessExecutionError("Unexpected error while running command.\nCommand: ['update-locale', '--locale-file=/etc/default/locale', 'LANG=en_US.UTF-8']\nExit code: 255"))`

  void it('by default, a failed cloud-init module is a warning naming it and the log on the VM, once sudo and the hostname work', async () => {
    const server = await guest(1, {'cloud-init status --format json 2>/dev/null': statusJson([LOCALE])})
    try {
      const clock = virtualClock()
      const ready = await waitForSsh(target(server.port, {waitForCloudInit: true, expectedHostname: 'hpc-controller', now: clock.now, sleep: clock.sleep}))
      assert.deepEqual(server.commands, ['cloud-init status --wait', 'cloud-init status --format json 2>/dev/null', 'sudo -n true', 'uname -n'])
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
    const server = await guest(1, {
      'cloud-init status --format json 2>/dev/null': {exit: 2, stderr: 'cloud-init status: error: unrecognized arguments: --format json\n'},
      'cat /run/cloud-init/result.json 2>/dev/null': {exit: 0, stdout: JSON.stringify({v1: {datasource: 'DataSourceNoCloud', errors: [LOCALE, "('ntp', RuntimeError('x'))"]}})},
    })
    try {
      const ready = await waitForSsh(target(server.port, {waitForCloudInit: true}))
      assert.deepEqual(server.commands, ['cloud-init status --wait', 'cloud-init status --format json 2>/dev/null', 'cat /run/cloud-init/result.json 2>/dev/null', 'sudo -n true'])
      const warnings = ready.warnings ?? []
      assert.equal(warnings.length, 1)
      assert.match(warnings[0] ?? '', /^cloud-init on hpc-controller \(127\.0\.0\.1\): modules locale, ntp failed \(see \/var\/log\/cloud-init\.log on the VM\)/)
    } finally {
      await server.close()
    }
  })

  void it('with strictCloudInit, a failed cloud-init fails the node at once as CLOUD_INIT_FAILED naming the module', async () => {
    const server = await guest(1, {'cloud-init status --format json 2>/dev/null': statusJson([LOCALE])})
    try {
      const clock = virtualClock()
      const error: unknown = await waitForSsh(target(server.port, {waitForCloudInit: true, strictCloudInit: true, now: clock.now, sleep: clock.sleep})).catch((e: unknown) => e)
      assert.ok(isAiHowError(error) && error.code === 'CLOUD_INIT_FAILED', String(error))
      assert.equal(error.message, 'cloud-init failed on hpc-controller (127.0.0.1): module locale failed')
      assert.deepEqual(error.details, {host: '127.0.0.1', exitCode: 1, failedModules: ['locale'], errors: []})
      assert.ok(error.actions[0]?.includes('/var/log/cloud-init.log'))
      assert.deepEqual(server.commands, ['cloud-init status --wait', 'cloud-init status --format json 2>/dev/null'])
      assert.deepEqual(clock.sleeps, [], 'cloud-init has finished: waiting longer changes nothing')
    } finally {
      await server.close()
    }
  })

  void it('cloud-init done with recoverable errors (exit 2) is no failure, strict or not', async () => {
    const server = await guest(2)
    try {
      const ready = await waitForSsh(target(server.port, {waitForCloudInit: true, strictCloudInit: true}))
      assert.deepEqual(ready.warnings, [])
      assert.deepEqual(server.commands, ['cloud-init status --wait', 'sudo -n true'])
    } finally {
      await server.close()
    }
  })

  void it('fails at once as GUEST_SUDO_FAILED when the user has no passwordless sudo, with what cloud-init reported', async () => {
    const server = await guest(1, {
      'cloud-init status --format json 2>/dev/null': statusJson(["('users-groups', KeyError('sudo'))"]),
      'sudo -n true': {exit: 1, stderr: 'sudo: a password is required\n'},
    })
    try {
      const clock = virtualClock()
      const error: unknown = await waitForSsh(target(server.port, {waitForCloudInit: true, now: clock.now, sleep: clock.sleep})).catch((e: unknown) => e)
      assert.ok(isAiHowError(error) && error.code === 'GUEST_SUDO_FAILED', String(error))
      assert.equal(error.message, 'debian on hpc-controller (127.0.0.1) has no passwordless sudo (sudo -n true exited 1: sudo: a password is required); ' +
        'cloud-init also reported: module users-groups failed')
      assert.deepEqual(clock.sleeps, [])
    } finally {
      await server.close()
    }
  })

  void it('fails at once as GUEST_HOSTNAME_MISMATCH when the node keeps another hostname', async () => {
    const server = await guest(0, {'uname -n': {exit: 0, stdout: 'debian\n'}})
    try {
      const error: unknown = await waitForSsh(target(server.port, {waitForCloudInit: true, expectedHostname: 'hpc-controller'})).catch((e: unknown) => e)
      assert.ok(isAiHowError(error) && error.code === 'GUEST_HOSTNAME_MISMATCH', String(error))
      assert.equal(error.message, "hpc-controller (127.0.0.1) reports hostname 'debian', not 'hpc-controller'")
      assert.deepEqual(error.details, {host: '127.0.0.1', expected: 'hpc-controller', actual: 'debian'})
    } finally {
      await server.close()
    }
  })
})
