import assert from 'node:assert/strict'
import {readFile, readdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, it} from 'node:test'
import {StateStore} from '../../packages/core/src/state/index.js'
import {isAiHowError} from '../../packages/core/src/errors.js'
import type {AiHowErrorLike} from '../../packages/core/src/errors.js'
import {withTempDir} from './workers.js'

async function corruptError(run: Promise<unknown>): Promise<AiHowErrorLike> {
  try {
    await run
  } catch (error) {
    assert.ok(isAiHowError(error), String(error))
    return error
  }
  assert.fail('expected a STATE_CORRUPT error')
}

async function corruptCopies(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('state.json.corrupt-'))
}

const BROKEN_JSON = '{\n  "version": 1,\n  "gpu_allocations": {},\n  "hpc_cluster": {"name": "x",}\n}\n'

void describe('StateStore with a corrupt state file', () => {
  void it('refuses to read or update invalid JSON, names the file and the position, keeps the bytes and a copy', async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'state.json')
      await writeFile(file, BROKEN_JSON)
      const store = new StateStore(file)

      const error = await corruptError(store.read())
      assert.equal(error.code, 'STATE_CORRUPT')
      assert.equal(error.exitCode, 1)
      const offset = BROKEN_JSON.indexOf(',}') + 1
      const column = offset - BROKEN_JSON.lastIndexOf('\n', offset)
      assert.ok(error.message.includes(file) && error.message.includes(`line 4, column ${column} (offset ${offset})`), error.message)
      const copies = await corruptCopies(dir)
      assert.equal(copies.length, 1)
      const copy = path.join(dir, copies[0] ?? '')
      assert.equal(await readFile(copy, 'utf8'), BROKEN_JSON)
      assert.ok(error.message.includes(copy), 'the message says where the copy is')
      const actions = error.actions.join('\n')
      assert.ok(actions.includes('Restore') && actions.includes('move'), actions)

      let mutated = false
      const again = await corruptError(
        store.update(() => {
          mutated = true
        }),
      )
      assert.equal(again.code, 'STATE_CORRUPT')
      assert.equal(mutated, false, 'update never runs the mutation on a corrupt file')
      await corruptError(store.setEntry('hpc_cluster', undefined))
      assert.equal(await readFile(file, 'utf8'), BROKEN_JSON, 'the original bytes are unchanged')
      assert.deepEqual(await corruptCopies(dir), copies, 'the same bytes are copied only once')
      assert.deepEqual((await readdir(dir)).sort(), [...copies, 'state.json'].sort(), 'no lock or temp file is left')
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
      await withTempDir(async (dir) => {
        const file = path.join(dir, 'state.json')
        await writeFile(file, content)
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
