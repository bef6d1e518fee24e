/**
 * Poweroff over SSH against a real loopback SSH server (ssh2): the command sent, what counts as
 * accepted, and that an unknown host key is refused without being recorded.
 */
import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {ensureClusterKeyPair} from '../ssh/keypair.js'
import type {SshKeyPair} from '../ssh/keypair.js'
import {hostPatterns, recordHostKey} from '../ssh/known-hosts.js'
import type {SshTarget} from '../ssh/session.js'
import {freePort, startServer} from '../ssh/testing/ssh-server.js'
import type {Answer, TestServer} from '../ssh/testing/ssh-server.js'
import {POWEROFF_COMMAND, sshPowerOff} from './ssh-poweroff.js'

void describe('sshPowerOff', () => {
  let dir = ''
  let key: SshKeyPair
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-poweroff-'))
    key = await ensureClusterKeyPair(dir, 'lab')
  })
  after(async () => { await rm(dir, {recursive: true, force: true}) })

  async function guest(answer: (command: string) => number | Answer, known = true): Promise<{server: TestServer; target: SshTarget}> {
    const port = await freePort()
    const server = await startServer(port, key, answer)
    const knownHostsFile = path.join(dir, `known_hosts-${port}`)
    if (known) await recordHostKey(knownHostsFile, hostPatterns('127.0.0.1', port, 'lab-controller'), server.hostKey.type, server.hostKey.getPublicSSH().toString('base64'))
    return {server, target: {host: '127.0.0.1', port, user: 'debian', privateKey: key.privateKey, knownHostsFile, hostAlias: 'lab-controller'}}
  }

  void it('runs sudo -n systemctl poweroff (else sudo -n poweroff) and takes exit 0 as accepted', async () => {
    const {server, target} = await guest(() => 0)
    try {
      const attempt = await sshPowerOff(target, {timeoutMs: 10_000})
      assert.deepEqual(server.commands, [POWEROFF_COMMAND])
      assert.equal(POWEROFF_COMMAND, 'sudo -n systemctl poweroff || sudo -n poweroff')
      assert.deepEqual(attempt, {accepted: true, detail: 'poweroff accepted'})
    } finally {
      await server.close()
    }
  })

  void it('a refused sudo is not accepted and says why', async () => {
    const {server, target} = await guest(() => ({exit: 1, stderr: 'sudo: a password is required\n'}))
    try {
      assert.deepEqual(await sshPowerOff(target, {timeoutMs: 10_000}), {accepted: false, detail: 'poweroff exited 1: sudo: a password is required'})
    } finally {
      await server.close()
    }
  })

  void it('an unknown host key is refused, nothing is run and nothing is recorded', async () => {
    const {server, target} = await guest(() => 0, false)
    try {
      const attempt = await sshPowerOff(target, {timeoutMs: 10_000})
      assert.equal(attempt.accepted, false)
      assert.match(attempt.detail, /^no SSH session/)
      assert.deepEqual(server.commands, [])
      await assert.rejects(readFile(target.knownHostsFile, 'utf8'), {code: 'ENOENT'})
    } finally {
      await server.close()
    }
  })

  void it('no SSH server: not accepted (ECONNREFUSED)', async () => {
    const port = await freePort()
    const attempt = await sshPowerOff({host: '127.0.0.1', port, user: 'debian', privateKey: key.privateKey, knownHostsFile: path.join(dir, 'none')}, {timeoutMs: 5000})
    assert.deepEqual(attempt, {accepted: false, detail: 'no SSH session (ECONNREFUSED)'})
  })
})
