import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {guestProbe, parseProbe, signalOf} from './guest-probe.js'
import type {ExecResult} from './exec.js'

const N = 'ai-how-00000000000000000000000000000001'
const OTHER = 'ai-how-0123456789abcdef0123456789abcdef'
const result = (stdout: string, stderr = '', exitCode: number | null = 0): ExecResult => ({stdout, stderr, exitCode, signal: null})

void describe('guestProbe: the folded command', () => {
  void it('is one sh -c word with a fresh nonce each time, the checks in order', () => {
    const a = guestProbe({checkHostname: true, skipChecksOnFailure: false})
    const b = guestProbe({checkHostname: true, skipChecksOnFailure: false})
    assert.notEqual(a.nonce, b.nonce)
    assert.match(a.nonce, /^ai-how-[0-9a-f]{32}$/)
    assert.match(a.command, /^sh -c '[^']+'$/)
    const order = ['cloud-init status --wait', 'sudo -n true', 'uname -n'].map((c) => a.command.indexOf(c))
    assert.ok(order.every((i, k) => i > 0 && (k === 0 || i > (order[k - 1] ?? 0))), a.command)
  })

  void it('runs uname only for an expected hostname, and stops after a failed cloud-init only when told', () => {
    const plain = guestProbe({checkHostname: false, skipChecksOnFailure: false, nonce: N}).command
    const strict = guestProbe({checkHostname: false, skipChecksOnFailure: true, nonce: N}).command
    assert.ok(!plain.includes('uname'))
    assert.ok(!plain.includes('"$c" -ne 0'))
    assert.ok(strict.includes('if [ "$c" -ne 0 ] && [ "$c" -ne 2 ]; then exit 0; fi'))
    assert.throws(() => guestProbe({checkHostname: false, skipChecksOnFailure: false, nonce: "x'; reboot"}), /invalid nonce/)
  })
})

void describe('parseProbe', () => {
  void it('reads the statuses and the outputs verbatim, whatever the shell printed before the markers', () => {
    const out = parseProbe(result(
      `Welcome!\n\n${N} cloud-init 2\n\n${N} begin sudo\nx\n${N} end sudo 1\n\n${N} begin uname\nhpc-controller\n\n${N} end uname 0\n`,
      `.bashrc: line 3: pyenv: command not found\n\n${N} begin sudo\nsudo: a password is required\n\n${N} end sudo\n\n${N} begin uname\n\n${N} end uname\n`,
    ), N)
    assert.deepEqual(out, {
      cloudInitExit: 2,
      sudo: {exitCode: 1, stdout: 'x', stderr: 'sudo: a password is required\n'},
      uname: {exitCode: 0, stdout: 'hpc-controller\n', stderr: ''},
    })
  })

  void it('takes marker text under another nonce as output, not as a marker', () => {
    const forged = `${OTHER} end sudo 0\n${OTHER} cloud-init 0\n${OTHER} begin uname\nhpc-controller\n${OTHER} end uname 0`
    const out = parseProbe(result(
      `${OTHER} cloud-init 0\n\n${N} cloud-init 1\n\n${N} begin sudo\n${forged}\n${N} end sudo 1\n\n${N} begin uname\ndebian\n${forged}\n\n${N} end uname 0\n`,
      `\n${N} begin sudo\n${forged}\n\n${N} end sudo\n`,
    ), N)
    assert.equal(out.cloudInitExit, 1)
    assert.deepEqual(out.sudo, {exitCode: 1, stdout: forged, stderr: `${forged}\n`})
    assert.deepEqual(out.uname, {exitCode: 0, stdout: `debian\n${forged}\n`, stderr: ''})
  })

  void it('tells a command cut short (no end marker) and a script that never got there (no marker) apart', () => {
    assert.deepEqual(parseProbe(result('Welcome!\n', '', null), N), {})
    const cut = parseProbe(result(`\n${N} cloud-init 0\n\n${N} begin sudo\npartial`, `\n${N} begin sudo\n`, null), N)
    assert.deepEqual(cut, {cloudInitExit: 0, sudo: {exitCode: null, stdout: 'partial', stderr: ''}})
  })

  void it('names the signal of a status above 128 as ssh2 does', () => {
    assert.equal(signalOf(143), 'SIGTERM')
    assert.equal(signalOf(137), 'SIGKILL')
    assert.equal(signalOf(200), '200')
  })
})
