import assert from 'node:assert/strict'
import {readFile, readdir} from 'node:fs/promises'
import path from 'node:path'
import {afterEach, describe, it} from 'node:test'
import {setTimeout as sleep} from 'node:timers/promises'
import type {StateDocument} from '../../packages/core/src/contracts/state.js'
import {StateStore} from '../../packages/core/src/state/index.js'
import {payloadFor} from '../fixtures/state-workers/payload.js'
import {runWorker, startWorker, stopWorkers, withTempDir} from './workers.js'

const KIB = 2048

function generation(doc: StateDocument): number {
  return (doc.counters as Record<string, number> | undefined)?.generation ?? 0
}

/** The document is whole: its payload is exactly the one written with its generation. */
function assertWhole(doc: StateDocument): void {
  const gen = generation(doc)
  if (gen === 0) return
  const big = doc.big_cluster as {payload: string}
  assert.ok(big.payload === payloadFor(gen, KIB), `payload of generation ${gen} is not the one written with it`)
}

void describe('StateStore when a writer is killed', () => {
  afterEach(stopWorkers)

  void it('keeps the previous state when the writer dies between the temp write and the rename; the temp file is never read', {timeout: 20_000}, async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'state.json')
      const store = new StateStore(file, {log: {info: () => undefined, debug: () => undefined, warn: () => undefined}})
      await store.update((doc) => {
        doc.counters = {generation: 1}
      })
      const before = await readFile(file, 'utf8')

      const writer = startWorker('pause-before-rename.ts', [file])
      const temp = (await writer.line(/^paused /)).slice('paused '.length)
      const pending = JSON.parse(await readFile(temp, 'utf8')) as StateDocument
      assert.equal(generation(pending), 2, 'the temp file holds the complete next document')
      assert.equal(path.dirname(temp), dir, 'the temp file lives in the folder of the state file')
      writer.child.kill('SIGKILL')
      assert.equal((await writer.exited).signal, 'SIGKILL')

      assert.equal(await readFile(file, 'utf8'), before, 'the state file still holds the previous document')
      assert.equal(generation(await store.read()), 1)
      assert.ok((await readdir(dir)).includes(path.basename(temp)), 'the orphan temp file is still there')

      const warnings: string[] = []
      const next = new StateStore(file, {log: {info: () => undefined, debug: () => undefined, warn: (m) => warnings.push(m)}})
      await next.update((doc) => {
        doc.counters = {generation: generation(doc) + 1}
      })
      assert.equal(generation(await next.read()), 2, 'the next writer starts from the previous state, not from the temp file')
      assert.ok(warnings.some((w) => w.includes(`pid ${writer.pid}`)), `the dead writer's lock was taken over: ${warnings.join('; ')}`)
      assert.deepEqual(await readdir(dir), ['state.json'], 'the orphan temp file was removed')
    })
  })

  void it('leaves a whole, valid document when large writes are killed at random moments, and readers never see a partial one', {timeout: 20_000}, async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'state.json')
      const store = new StateStore(file)
      const killedPids: number[] = []
      for (let round = 0; round < 3; round++) {
        const writer = startWorker('write-loop.ts', [file, String(KIB)])
        await writer.line(/^gen \d+$/)
        let reads = 0
        const until = Date.now() + 300 + Math.random() * 300
        while (Date.now() < until) {
          assertWhole(await store.read())
          reads++
        }
        writer.child.kill('SIGKILL')
        await writer.exited
        killedPids.push(writer.pid)
        assert.ok(reads > 0)
        const doc = await store.read()
        assertWhole(doc)
        const printed = [...writer.stdout().matchAll(/^gen (\d+)$/gm)].map((m) => Number(m[1]))
        const last = printed[printed.length - 1] ?? 0
        const gen = generation(doc)
        assert.ok(gen === last || gen === last + 1, `generation ${gen} on disk, but the last completed write was ${last}`)
        await sleep(10)
      }
      const after = await runWorker('try-update.ts', [file, '10000'])
      assert.equal(after.code, 0, after.stderr)
      assertWhole(await store.read())
      const left = (await readdir(dir)).filter((name) => name !== 'state.json')
      assert.deepEqual(left, [], `files left by killed writers ${killedPids.join(', ')}: ${left.join(', ')}`)
    })
  })
})
