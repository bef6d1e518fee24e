import assert from 'node:assert/strict'
import {readdir, stat} from 'node:fs/promises'
import path from 'node:path'
import {afterEach, describe, it} from 'node:test'
import {StateStore} from '../../packages/core/src/state/index.js'
import {runWorker, stopWorkers, withTempDir} from './workers.js'

const PROCESSES = 6
const UPDATES = 20

void describe('StateStore under concurrent processes', () => {
  afterEach(stopWorkers)

  void it(`loses no update when ${PROCESSES} processes each make ${UPDATES} updates on their own key and on a shared counter`, {timeout: 20_000}, async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'out', 'state.json')
      const keys = Array.from({length: PROCESSES}, (_, i) => `w${i}`)
      const results = await Promise.all(keys.map((key) => runWorker('increment.ts', [file, key, String(UPDATES)])))
      for (const r of results) assert.equal(r.code, 0, r.stderr)

      const doc = await new StateStore(file).read()
      const expected: Record<string, number> = {shared: PROCESSES * UPDATES}
      for (const key of keys) expected[key] = UPDATES
      assert.deepEqual(doc.counters, expected)
      assert.deepEqual(doc.gpu_allocations, {})
      assert.equal(doc.version, 1)

      assert.deepEqual(await readdir(path.dirname(file)), ['state.json'], 'no lock, temp or guard file is left behind')
      assert.equal((await stat(file)).mode & 0o777, 0o600)
    })
  })
})
