/**
 * The state file is read only when it is a regular file: a symlink (to a file, dangling, or to a
 * device), a folder, a fifo or a device is refused by name (STATE_SYMLINK / STATE_NOT_A_FILE) before
 * a byte is read, by readers and writers alike, and nothing is created next to it.
 */
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdir, readdir, symlink, truncate, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, it} from 'node:test'
import {StateStore} from '../../packages/core/src/state/index.js'
import {MAX_STATE_BYTES} from '../../packages/core/src/state/safe-read.js'
import type {AiHowErrorLike} from '../../packages/core/src/errors.js'
import {aiHowRejection, withStateFile} from './fixtures.js'

const refusal = (pending: Promise<unknown>): Promise<AiHowErrorLike> => aiHowRejection(pending, 'the state file to be refused')

const VALID = '{"version": 1, "gpu_allocations": {}, "note": "SECRET-TOKEN-42"}\n'

const cases: [string, (file: string, dir: string) => Promise<void> | void, string, RegExp][] = [
  ['a symlink to a valid state file', async (file, dir) => { await writeFile(path.join(dir, 'real.json'), VALID); await symlink(path.join(dir, 'real.json'), file) }, 'STATE_SYMLINK', /is a symbolic link: ai-how reads and writes its state only in a regular file/],
  ['a relative symlink to another file', async (file, dir) => { await writeFile(path.join(dir, 'secret.txt'), 'SECRET-TOKEN-42'); await symlink('secret.txt', file) }, 'STATE_SYMLINK', /is a symbolic link/],
  ['a dangling symlink', async (file) => { await symlink('/nonexistent/state.json', file) }, 'STATE_SYMLINK', /is a symbolic link/],
  ['a symlink to /dev/zero', async (file) => { await symlink('/dev/zero', file) }, 'STATE_SYMLINK', /is a symbolic link/],
  ['a folder', async (file) => { await mkdir(file) }, 'STATE_NOT_A_FILE', /is a folder, not a regular file/],
  ['a fifo', (file) => { execFileSync('mkfifo', [file]) }, 'STATE_NOT_A_FILE', /is a fifo, not a regular file/],
]

void describe('StateStore with a state path that is not a regular file', () => {
  for (const [what, make, code, message] of cases) {
    void it(`refuses ${what} by name, on read and on update, and creates nothing`, async () => {
      await withStateFile(undefined, async (file, dir) => {
        await make(file, dir)
        const before = (await readdir(dir)).sort()
        const store = new StateStore(file, {lockTimeoutMs: 200})
        for (const attempt of [() => store.read(), () => store.getEntry('hpc_cluster')]) {
          const error = await refusal(attempt())
          assert.equal(error.code, code, error.message)
          assert.equal(error.exitCode, 1)
          assert.ok(error.message.startsWith(`State file ${file} is `), error.message)
          assert.match(error.message, message)
          assert.ok(!JSON.stringify(error).includes('SECRET'), error.message)
          assert.ok(error.actions.some((a) => a.includes('--state')), error.actions.join('\n'))
        }
        assert.deepEqual((await readdir(dir)).sort(), before, 'a reader creates nothing')
        let mutated = false
        const error = await refusal(store.update(() => { mutated = true }))
        assert.equal(error.code, code)
        assert.equal(mutated, false)
        assert.deepEqual((await readdir(dir)).sort(), before, 'a refused update leaves no lock, temp file or copy')
      })
    })
  }

  void it('refuses a character device at the state path (no open, no read)', async () => {
    const error = await refusal(new StateStore('/dev/zero').read())
    assert.equal(error.code, 'STATE_NOT_A_FILE')
    assert.match(error.message, /^State file \/dev\/zero is a character device, not a regular file/)
  })

  void it('refuses a file larger than any state file without reading it', async () => {
    await withStateFile('', async (file) => {
      await truncate(file, MAX_STATE_BYTES + 1)
      const error = await refusal(new StateStore(file).read())
      assert.equal(error.code, 'STATE_TOO_LARGE')
      assert.ok(error.message.includes(`${MAX_STATE_BYTES + 1} bytes`), error.message)
    })
  })

  void it('still reads a state file in a folder reached through a symlink (only the last component must be a file)', async () => {
    await withStateFile(undefined, async (_file, dir) => {
      await mkdir(path.join(dir, 'real'))
      await writeFile(path.join(dir, 'real', 'state.json'), VALID)
      await symlink(path.join(dir, 'real'), path.join(dir, 'linked'))
      const doc = await new StateStore(path.join(dir, 'linked', 'state.json')).read()
      assert.equal(doc.note, 'SECRET-TOKEN-42')
    })
  })

  void it('reads while another process holds the state lock: no wait, no lock file of its own', async () => {
    await withStateFile(VALID, async (file, dir) => {
      const lock = `${file}.lock`
      await writeFile(lock, JSON.stringify({pid: process.pid, hostname: 'h', holder: 'ai-how hpc start', since: new Date().toISOString(), token: 't'}))
      // With no time to wait, a read that tried to take the lock would fail with STATE_LOCKED.
      const doc = await new StateStore(file, {lockTimeoutMs: 0}).read()
      assert.equal(doc.version, 1)
      assert.deepEqual((await readdir(dir)).sort(), ['state.json', 'state.json.lock'])
    })
  })
})
