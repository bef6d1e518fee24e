/**
 * The clock step over SSH against a local SSH server standing in for a restored guest whose clock
 * is 300 s behind: it reads the guest's clock, sets it with `sudo -n date -u -s @EPOCH` (the host's
 * time), reads it again, and reports both offsets; a refused sudo is an error (the caller warns).
 */
import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {ensureClusterKeyPair} from '../ssh/keypair.js'
import type {SshKeyPair} from '../ssh/keypair.js'
import {freePort, startServer, trust} from '../ssh/testing/ssh-server.js'
import {setClockCommand, sshClockStep} from './clock.js'

void describe('sshClockStep', () => {
  let dir = ''
  let key: SshKeyPair
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-clock-'))
    key = await ensureClusterKeyPair(dir, 'test')
  })
  after(async () => { await rm(dir, {recursive: true, force: true}) })

  /** A guest whose clock is `offset` seconds off until a `date -s` sets it. */
  async function guest(offset: number, sudoOk = true): Promise<{port: number; known: string; commands: string[]; close: () => Promise<void>}> {
    const port = await freePort()
    let off = offset
    const server = await startServer(port, key, (command) => {
      if (command === 'date +%s.%N') return {exit: 0, stdout: `${(Date.now() / 1000 + off).toFixed(9)}\n`}
      const set = /^sudo -n date -u -s @(\d+\.\d+) >\/dev\/null$/.exec(command)
      if (set?.[1] === undefined) return 127
      if (!sudoOk) return {exit: 1, stderr: 'sudo: a password is required\n'}
      off = Number(set[1]) - Date.now() / 1000
      return 0
    })
    const known = path.join(dir, `known_hosts-${port}`)
    await trust(known, port)
    return {port, known, commands: server.commands, close: () => server.close()}
  }

  void it('measures the offset, steps the clock to the host\'s and measures it again', async () => {
    const g = await guest(-300)
    try {
      const result = await sshClockStep({host: '127.0.0.1', port: g.port, hostAlias: 'hpc-controller', user: 'debian', privateKey: key.privateKey, knownHostsFile: g.known}, {timeoutMs: 10_000})
      assert.ok(Math.abs(result.before + 300) < 1, `before ${result.before}`)
      assert.ok(Math.abs(result.after) < 1, `after ${result.after}`)
      assert.equal(g.commands.length, 3)
      assert.match(g.commands[1] ?? '', /^sudo -n date -u -s @\d+\.\d{3} >\/dev\/null$/)
    } finally {
      await g.close()
    }
  })

  void it('fails when sudo refuses', async () => {
    const g = await guest(-300, false)
    try {
      await assert.rejects(sshClockStep({host: '127.0.0.1', port: g.port, hostAlias: 'hpc-controller', user: 'debian', privateKey: key.privateKey, knownHostsFile: g.known}, {timeoutMs: 10_000}), /date -s exited 1: sudo: a password is required/)
    } finally {
      await g.close()
    }
  })

  void it('the set command carries the epoch with milliseconds', () => {
    assert.equal(setClockCommand(1764531234.5678), 'sudo -n date -u -s @1764531234.568 >/dev/null')
  })
})
