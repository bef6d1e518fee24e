import assert from 'node:assert/strict'
import {readFile, readdir, utimes, writeFile} from 'node:fs/promises'
import {hostname} from 'node:os'
import path from 'node:path'
import {afterEach, describe, it} from 'node:test'
import type {Logger} from '../../packages/core/src/contracts/extensions.js'
import {StateStore} from '../../packages/core/src/state/index.js'
import {hasCode} from '../../packages/core/src/errors.js'
import {deadPid, runWorker, startWorker, stopWorkers, withTempDir} from './workers.js'

interface TryResult {
  ok: boolean
  tries?: number
  elapsedMs: number
  error?: {code: string; message: string; actions: string[]}
}

function parseResult(stdout: string): TryResult {
  return JSON.parse(stdout.trim()) as TryResult
}

function recordingLog(): Logger & {warnings: string[]} {
  const warnings: string[] = []
  return {warnings, info: () => undefined, debug: () => undefined, warn: (m) => warnings.push(m)}
}

async function writeLock(file: string, pid: number, holder: string): Promise<void> {
  await writeFile(`${file}.lock`, JSON.stringify({pid, hostname: hostname(), holder, since: '2025-01-01T00:00:00.000Z'}))
}

void describe('StateStore lock', () => {
  afterEach(stopWorkers)

  void it('takes over a lock whose pid is dead and logs a notice naming that pid', {timeout: 20_000}, async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'state.json')
      const pid = await deadPid()
      await writeLock(file, pid, 'ai-how hpc start')
      const r = await runWorker('try-update.ts', [file, '5000'])
      assert.equal(r.code, 0, r.stdout + r.stderr)
      assert.equal(parseResult(r.stdout).tries, 1)
      assert.match(r.stderr, new RegExp(`WARN Removed the stale lock .*pid ${pid} \\(ai-how hpc start`))
      assert.deepEqual(await readdir(dir), ['state.json'], 'the stale lock is gone and the new holder released its own')
    })
  })

  void it('lets exactly one of several processes that meet the same stale lock take it over, and loses no update', {timeout: 20_000}, async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'state.json')
      const pid = await deadPid()
      await writeLock(file, pid, 'ai-how cloud start')
      const keys = ['a', 'b', 'c', 'd']
      const results = await Promise.all(keys.map((key) => runWorker('increment.ts', [file, key, '5'])))
      for (const r of results) assert.equal(r.code, 0, r.stderr)
      const notices = results.flatMap((r) => r.stderr.split('\n')).filter((l) => l.includes('Removed the stale lock'))
      assert.equal(notices.length, 1, `one takeover expected, got: ${notices.join(' | ')}`)
      assert.match(notices[0] ?? '', new RegExp(`pid ${pid} `))
      const doc = await new StateStore(file).read()
      assert.deepEqual(doc.counters, {a: 5, b: 5, c: 5, d: 5, shared: 20})
    })
  })

  void it('makes another process wait for a live holder, then fail with STATE_LOCKED naming the holder', {timeout: 20_000}, async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'state.json')
      const holder = startWorker('hold-lock.ts', [file, 'ai-how hpc start cluster.yaml', '60000'])
      try {
        await holder.line(/^locked$/)
        const r = await runWorker('try-update.ts', [file, '1500'])
        assert.equal(r.code, 1)
        const result = parseResult(r.stdout)
        assert.equal(result.error?.code, 'STATE_LOCKED')
        assert.ok(result.elapsedMs >= 1500, `gave up after ${result.elapsedMs} ms`)
        const message = result.error.message
        assert.ok(message.includes(file) && message.includes(`pid ${holder.pid}`) && message.includes('ai-how hpc start cluster.yaml'), message)
        assert.match(message, /since \d{4}-\d\d-\d\dT/)
        const actions = result.error.actions.join('\n')
        assert.ok(actions.includes('Wait') && actions.includes(`${file}.lock`), actions)
      } finally {
        holder.child.kill('SIGKILL')
        await holder.exited
      }
    })
  })

  void it('lets a waiting process in once the holder releases the lock, keeping both updates', {timeout: 20_000}, async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'state.json')
      const holder = startWorker('hold-lock.ts', [file, 'holder', '1000'])
      await holder.line(/^locked$/)
      const waiter = await runWorker('try-update.ts', [file, '15000'])
      assert.equal((await holder.exited).code, 0)
      assert.equal(waiter.code, 0, waiter.stdout + waiter.stderr)
      assert.doesNotMatch(waiter.stderr, /stale/, 'a live holder is never taken over')
      assert.deepEqual((await new StateStore(file).read()).counters, {held: 1, tries: 1})
    })
  })

  void it('treats a lock with unreadable content as stale only once it is a few seconds old', {timeout: 20_000}, async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'state.json')
      await writeFile(`${file}.lock`, '{"pid": 12')
      const log = recordingLog()
      const young = new StateStore(file, {log, lockTimeoutMs: 300})
      await assert.rejects(young.update(() => undefined), (e) => hasCode(e, 'STATE_LOCKED'))

      const old = new Date(Date.now() - 60_000)
      await utimes(`${file}.lock`, old, old)
      await young.update((doc) => {
        doc.touched = true
      })
      assert.ok(log.warnings.some((w) => w.includes('unreadable')), log.warnings.join('; '))
      assert.deepEqual(await readdir(dir), ['state.json'])
    })
  })

  void it("releases only its own lock: a lock replaced by someone else's stays", {timeout: 20_000}, async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'state.json')
      const log = recordingLog()
      const foreign = JSON.stringify({pid: 1, hostname: hostname(), holder: 'someone else', since: new Date().toISOString()})
      await new StateStore(file, {log}).update(async () => {
        await writeFile(`${file}.lock`, foreign)
      })
      assert.equal(await readFile(`${file}.lock`, 'utf8'), foreign)
      assert.ok(log.warnings.some((w) => w.includes('taken over')), log.warnings.join('; '))
    })
  })
})
