/**
 * The runner inside a real process (test/fixtures/runner/run-steps.ts): Ctrl+C rolls back and exits
 * non-zero, and no renderer ever writes to stdout (--json: nothing at all, not even on failure).
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import path from 'node:path'
import {describe, it} from 'node:test'

const root = path.resolve(import.meta.dirname, '../../../..')
const script = path.join(root, 'test/fixtures/runner/run-steps.ts')

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs the fixture; `onStderr` sees stderr as it grows (and may signal the child). */
function runFixture(args: string[], onStderr?: (text: string, kill: (s: NodeJS.Signals) => void) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      env: {...process.env, NO_COLOR: '1'},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      onStderr?.(stderr, (s) => child.kill(s))
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stdout, stderr})
    })
  })
}

void describe('TaskRunner in a real process', () => {
  void it('on SIGINT fails the running step, undoes this run in reverse order and exits non-zero', async () => {
    let sent = false
    const run = await runFixture(['hang'], (text, kill) => {
      if (!sent && text.includes('WAITING-FOR-SIGINT')) {
        sent = true
        kill('SIGINT')
      }
    })
    assert.ok(sent, `never reached the waiting step:\n${run.stderr}`)
    assert.equal(run.signal, null, 'exited by itself, not killed by the signal')
    assert.equal(run.code, 1, 'INTERRUPTED is an operation failure (exit code 1)')
    assert.match(run.stderr, /Interrupted \(Ctrl\+C\)/)
    const undoPool = run.stderr.indexOf('undo-ran: pool')
    const undoNet = run.stderr.indexOf('undo-ran: net')
    assert.ok(undoPool >= 0 && undoNet > undoPool, `undo lines missing or out of order:\n${run.stderr}`)
    assert.match(run.stderr, /undone: pool\n\s*undone: net/)
    assert.equal(run.stdout, '')
  })

  void it('--json writes nothing to stdout, on failure or success, even with the animated renderer asked for', async () => {
    const failed = await runFixture(['fail', '--json', '--tty'])
    assert.equal(failed.code, 1)
    assert.match(failed.stderr, /undo-ran: pool/, 'the rollback still ran')
    assert.equal(failed.stdout, '')
    const ok = await runFixture(['ok', '--json'])
    assert.equal(ok.code, 0, ok.stderr)
    assert.equal(ok.stdout, '')
  })

  void it('renders progress on stderr only, with the line renderer and with the animated one', async () => {
    for (const args of [['fail'], ['fail', '--tty']]) {
      const run = await runFixture(args)
      assert.equal(run.code, 1)
      assert.equal(run.stdout, '', `stdout with ${args.join(' ')}`)
      assert.match(run.stderr, /create pool/)
      assert.match(run.stderr, /boom: last step failed/)
    }
  })
})
