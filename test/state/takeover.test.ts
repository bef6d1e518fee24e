import assert from 'node:assert/strict'
import {readFile, readdir, writeFile} from 'node:fs/promises'
import {hostname} from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'
import type {Logger} from '../../packages/core/src/contracts/extensions.js'
import {removeStaleLock} from '../../packages/core/src/state/takeover.js'
import {deadPid, withTempDir} from './workers.js'

const quiet: Logger = {info: () => undefined, debug: () => undefined, warn: () => undefined}

function lockOf(pid: number, holder: string): string {
  return JSON.stringify({pid, hostname: hostname(), holder, since: new Date().toISOString()})
}

void describe('removal of a stale lock', () => {
  void it('lets only one of several concurrent removers remove the same stale lock', async () => {
    await withTempDir(async (dir) => {
      const lock = path.join(dir, 'state.json.lock')
      const stale = lockOf(await deadPid(), 'dead')
      for (let round = 0; round < 20; round++) {
        await writeFile(lock, stale)
        const removed = await Promise.all([removeStaleLock(lock, stale, quiet), removeStaleLock(lock, stale, quiet), removeStaleLock(lock, stale, quiet)])
        assert.equal(removed.filter(Boolean).length, 1, `round ${round}: ${removed.join(', ')}`)
        assert.deepEqual(await readdir(dir), [], 'lock and guard are gone')
      }
    })
  })

  void it("never removes the new holder's lock on the strength of an old observation of the stale one", async () => {
    await withTempDir(async (dir) => {
      const lock = path.join(dir, 'state.json.lock')
      const stale = lockOf(await deadPid(), 'dead')
      await writeFile(lock, stale)
      assert.equal(await removeStaleLock(lock, stale, quiet), true)
      const fresh = lockOf(process.pid, 'new holder')
      await writeFile(lock, fresh)
      assert.equal(await removeStaleLock(lock, stale, quiet), false, 'a late remover who saw the stale lock does nothing')
      assert.equal(await readFile(lock, 'utf8'), fresh)
    })
  })

  void it('clears a guard left by a dead process, but keeps the guard of a live one', async () => {
    await withTempDir(async (dir) => {
      const lock = path.join(dir, 'state.json.lock')
      const guard = `${lock}.takeover`
      const stale = lockOf(await deadPid(), 'dead')
      await writeFile(lock, stale)

      await writeFile(guard, lockOf(process.pid, 'live remover'))
      assert.equal(await removeStaleLock(lock, stale, quiet), false)
      assert.ok((await readdir(dir)).includes('state.json.lock.takeover'), "a live process's guard stays")

      await writeFile(guard, lockOf(await deadPid(), 'dead remover'))
      assert.equal(await removeStaleLock(lock, stale, quiet), false, 'the dead guard is cleared first')
      assert.deepEqual(await readdir(dir), ['state.json.lock'])
      assert.equal(await removeStaleLock(lock, stale, quiet), true)
      assert.deepEqual(await readdir(dir), [])
    })
  })
})
