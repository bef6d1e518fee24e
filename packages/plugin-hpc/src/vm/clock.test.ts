/**
 * The clock step over SSH against a local SSH server standing in for a restored guest whose clock
 * is 300 s behind and whose sudo takes a second to start (as on an emulated guest): it reads the
 * guest's clock (best of three), moves it by the measured offset with one relative
 * `sudo -n date -u -s '+N seconds'` (so the time sudo takes is not lost, as it was with an absolute
 * epoch sent by the host), reads it again, and reports both offsets; a refused sudo is an error (the
 * caller warns). The relative form is checked against the host's GNU date, as on the Debian guests.
 */
import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {execa} from 'execa'
import {ensureClusterKeyPair} from '../ssh/keypair.js'
import type {SshKeyPair} from '../ssh/keypair.js'
import {freePort, startServer, trust} from '../ssh/testing/ssh-server.js'
import {sshClockStep, stepClockCommand} from './clock.js'

void describe('sshClockStep', () => {
  let dir = ''
  let key: SshKeyPair
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-clock-'))
    key = await ensureClusterKeyPair(dir, 'test')
  })
  after(async () => { await rm(dir, {recursive: true, force: true}) })

  /** Seconds between the step command's arrival and `date` running in the fake guest (sudo starting). */
  const SUDO_LAG_S = 1

  /**
   * A guest whose clock is `offset` seconds off until a `date -s` sets it: an absolute `@EPOCH` lands
   * SUDO_LAG_S late (the guest is behind by that much afterwards), a relative step moves the clock by
   * its amount whenever it runs.
   */
  async function guest(offset: number, sudoOk = true): Promise<{port: number; known: string; commands: string[]; close: () => Promise<void>}> {
    const port = await freePort()
    let off = offset
    const server = await startServer(port, key, (command) => {
      if (command === 'date +%s.%N') return {exit: 0, stdout: `${(Date.now() / 1000 + off).toFixed(9)}\n`}
      const absolute = /^sudo -n date -u -s @(\d+\.\d+) >\/dev\/null$/.exec(command)
      const relative = /^sudo -n date -u -s '([+-]\d+\.\d+) seconds' >\/dev\/null$/.exec(command)
      if (absolute?.[1] === undefined && relative?.[1] === undefined) return 127
      if (!sudoOk) return {exit: 1, stderr: 'sudo: a password is required\n'}
      if (absolute?.[1] !== undefined) off = Number(absolute[1]) - (Date.now() / 1000 + SUDO_LAG_S)
      else off += Number(relative?.[1])
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
      assert.ok(Math.abs(result.after) < 0.25, `after ${result.after} (sudo's ${SUDO_LAG_S} s lost?)`)
      assert.deepEqual(g.commands.map((c) => c.replace(/\d+\.\d+/, 'N')), ['date +%s.%N', 'date +%s.%N', 'date +%s.%N', "sudo -n date -u -s '+N seconds' >/dev/null", 'date +%s.%N'])
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

  void it('the step command moves the clock by a signed amount with microseconds, which GNU date reads as relative to its own now', async () => {
    assert.equal(stepClockCommand(300.1234567), "sudo -n date -u -s '+300.123457 seconds' >/dev/null")
    assert.equal(stepClockCommand(-1.5), "sudo -n date -u -s '-1.500000 seconds' >/dev/null")
    assert.throws(() => stepClockCommand(Number.NaN), /not a clock step/)
    for (const delta of [300.25, -42.5]) {
      const argument = /'(.+)'/.exec(stepClockCommand(delta))?.[1] ?? ''
      const now = Date.now() / 1000
      const {stdout} = await execa('date', ['-u', '-d', argument, '+%s.%N'])
      assert.ok(Math.abs(Number(stdout) - now - delta) < 0.5, `date -d '${argument}' gave ${stdout} at ${now}`)
    }
  })
})
