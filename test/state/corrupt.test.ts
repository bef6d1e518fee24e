import assert from 'node:assert/strict'
import {readFile, readdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, it} from 'node:test'
import {StateStore, withClusterLock} from '../../packages/core/src/state/index.js'
import type {AiHowErrorLike} from '../../packages/core/src/errors.js'
import {aiHowRejection, withStateFile} from './fixtures.js'

const corruptError = (pending: Promise<unknown>): Promise<AiHowErrorLike> => aiHowRejection(pending, 'a STATE_CORRUPT error')

async function corruptCopies(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('state.json.corrupt-'))
}

const BROKEN_JSON = '{\n  "version": 1,\n  "gpu_allocations": {},\n  "hpc_cluster": {"name": "x",}\n}\n'

void describe('StateStore with a corrupt state file', () => {
  void it('read refuses invalid JSON, names the file and the position, and writes nothing (no copy, no lock)', async () => {
    await withStateFile(BROKEN_JSON, async (file, dir) => {
      const store = new StateStore(file)

      for (const reading of [() => store.read(), () => store.getEntry('hpc_cluster')]) {
        const error = await corruptError(reading())
        assert.equal(error.code, 'STATE_CORRUPT')
        assert.equal(error.exitCode, 1)
        const offset = BROKEN_JSON.indexOf(',}') + 1
        const column = offset - BROKEN_JSON.lastIndexOf('\n', offset)
        assert.ok(error.message.includes(file) && error.message.includes(`line 4, column ${column} (offset ${offset})`), error.message)
        assert.ok(!error.message.includes('copy'), `a reader keeps no copy: ${error.message}`)
        const actions = error.actions.join('\n')
        assert.ok(actions.includes('Restore') && actions.includes('move'), actions)
      }
      assert.deepEqual(await readdir(dir), ['state.json'], 'a reader creates nothing')
      assert.equal(await readFile(file, 'utf8'), BROKEN_JSON)
    })
  })

  void it('update refuses it, keeps the bytes and one copy, and says where the copy is', async () => {
    await withStateFile(BROKEN_JSON, async (file, dir) => {
      const store = new StateStore(file)

      let mutated = false
      const error = await corruptError(
        store.update(() => {
          mutated = true
        }),
      )
      assert.equal(error.code, 'STATE_CORRUPT')
      assert.equal(mutated, false, 'update never runs the mutation on a corrupt file')
      const copies = await corruptCopies(dir)
      assert.equal(copies.length, 1)
      const copy = path.join(dir, copies[0] ?? '')
      assert.equal(await readFile(copy, 'utf8'), BROKEN_JSON)
      assert.ok(error.message.includes(`A copy of its bytes is in ${copy}.`), error.message)
      assert.equal((error.details as {copy?: string}).copy, copy)
      await corruptError(store.setEntry('hpc_cluster', undefined))
      assert.equal(await readFile(file, 'utf8'), BROKEN_JSON, 'the original bytes are unchanged')
      assert.deepEqual(await corruptCopies(dir), copies, 'the same bytes are copied only once')
      assert.deepEqual((await readdir(dir)).sort(), [...copies, 'state.json'].sort(), 'no lock or temp file is left')
    })
  })

  void it('a writer under the cluster lock that reads a corrupt file keeps one copy; without the lock nothing is kept', async () => {
    await withStateFile(BROKEN_JSON, async (file, dir) => {
      const store = new StateStore(file)
      const log = {info: () => undefined, debug: () => undefined, warn: () => undefined}
      const options = {statePath: file, stateKey: 'hpc_cluster', cluster: 'lab', holder: 'ai-how hpc stop lab', log}
      const error = await corruptError(withClusterLock(options, () => store.getEntry('hpc_cluster')))
      const copies = await corruptCopies(dir)
      assert.equal(copies.length, 1)
      assert.ok(error.message.includes(path.join(dir, copies[0] ?? '')), error.message)
      assert.deepEqual((await readdir(dir)).sort(), [...copies, 'state.json'].sort(), 'the cluster lock is released')
      await assert.rejects(withClusterLock(options, () => Promise.reject(new Error('unrelated'))), /^Error: unrelated$/, 'other errors pass through')
      assert.equal((await corruptCopies(dir)).length, 1)
    })
  })

  void it('never puts bytes of the file in the message, for any kind of defect', async () => {
    await withStateFile(undefined, async (file) => {
      const texts = [
        'SECRET-TOKEN-42 and more',
        '{"version": 1, "gpu_allocations": {}, "k": SECRET}',
        '["SECRET", 1,]',
        '{"version": "SECRET", "gpu_allocations": {}}',
        '{"version": 1, "gpu_allocations": {}, "SECRET $(x)\\n_cluster": 3}',
        '{"version": 1, "gpu_allocations": {}} SECRET',
        '{"SECRET": 1 "x": 2}',
        '"SECRET\\q"',
      ]
      for (const text of texts) {
        await writeFile(file, text)
        const error = await corruptError(new StateStore(file).read())
        assert.equal(error.code, 'STATE_CORRUPT', text)
        assert.ok(!JSON.stringify({message: error.message, details: error.details, actions: error.actions}).includes('SECRET'), `${text} => ${error.message}`)
        assert.match(error.message, /is corrupt: (invalid JSON at line \d+, column \d+ \(offset \d+\): [A-Z][a-z]|"version" is a string|an entry whose key ends in "_cluster" is a number)/, error.message)
      }
    })
  })

  const shapes: [string, string, RegExp][] = [
    ['an empty file', '', /empty/],
    ['a top-level array', '[]', /top level is an array/],
    ['another version', '{"version": 2, "gpu_allocations": {}}', /"version" is 2, expected 1/],
    ['no version', '{"gpu_allocations": {}}', /"version" is missing/],
    ['gpu_allocations not an object', '{"version": 1, "gpu_allocations": []}', /"gpu_allocations" is an array/],
    ['a cluster entry that is not an object', '{"version": 1, "gpu_allocations": {}, "hpc_cluster": "up"}', /"hpc_cluster" is a string/],
    ['an unexpected token without a position from V8', '{"version": tru}', /line 1, column 16 \(offset 15\)/],
  ]
  for (const [what, content, problem] of shapes) {
    void it(`treats ${what} as corrupt and keeps it`, async () => {
      await withStateFile(content, async (file, dir) => {
        const store = new StateStore(file)
        const error = await corruptError(store.update((doc) => (doc.x = 1)))
        assert.equal(error.code, 'STATE_CORRUPT')
        assert.match(error.message, problem)
        assert.equal(await readFile(file, 'utf8'), content)
        const copies = await corruptCopies(dir)
        assert.equal(copies.length, 1)
        assert.equal(await readFile(path.join(dir, copies[0] ?? ''), 'utf8'), content)
      })
    })
  }
})
