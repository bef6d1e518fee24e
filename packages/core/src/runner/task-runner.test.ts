import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import type {Logger} from '../contracts/extensions.js'
import {hasCode} from '../errors.js'
import {TaskRunner} from './task-runner.js'
import type {RunOptions, Step, Undo} from './types.js'

/** A fake hypervisor: a set of objects; steps create them (or reuse them) and undos remove them. */
class World {
  readonly objects = new Set<string>()
  readonly undoCalls: string[] = []
  constructor(existing: string[] = []) {
    for (const o of existing) this.objects.add(o)
  }

  undo(name: string): Undo {
    return {
      title: name,
      run: () => {
        this.undoCalls.push(name)
        this.objects.delete(name)
        return Promise.resolve()
      },
    }
  }

  /** A step that creates `name` after `delayMs`, or reuses it (no undo) when it already exists. */
  ensure(name: string, delayMs = 1): Step {
    return {
      title: `ensure ${name}`,
      run: async () => {
        await sleep(delayMs)
        if (this.objects.has(name)) return undefined
        this.objects.add(name)
        return this.undo(name)
      },
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function failing(message = 'boom', delayMs = 1): Step {
  return {
    title: `fail: ${message}`,
    run: async () => {
      await sleep(delayMs)
      throw new Error(message)
    },
  }
}

function recordingLog(): Logger & {lines: string[]} {
  const lines: string[] = []
  return {lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), debug: () => undefined}
}

const quiet = (extra: RunOptions = {}): RunOptions => ({json: true, handleSigint: false, log: recordingLog(), ...extra})

void describe('TaskRunner', () => {
  void it('succeeds without undoing anything when every step succeeds', async () => {
    const w = new World()
    const result = await new TaskRunner(quiet()).run('ok', [w.ensure('net'), w.ensure('pool')])
    assert.deepEqual(result, {ok: true, undone: [], kept: [], failedUndos: []})
    assert.deepEqual([...w.objects].sort(), ['net', 'pool'])
    assert.deepEqual(w.undoCalls, [])
  })

  void it('undoes nested and concurrent steps in reverse order of registration', async () => {
    const w = new World()
    const original = new Error('deploy failed')
    const steps: Step[] = [
      w.ensure('net'),
      {
        title: 'nodes',
        concurrency: 3,
        steps: [
          w.ensure('vm-a', 40), // finishes last of the three: registered last
          w.ensure('vm-b', 5),
          {title: 'vm-c with disk', steps: [w.ensure('disk-c', 10), w.ensure('vm-c', 10)]},
        ],
      },
      w.ensure('dns'),
      {title: 'deploy', run: () => Promise.reject(original)},
    ]
    const result = await new TaskRunner(quiet()).run('start', steps)
    assert.equal(result.ok, false)
    assert.equal(result.error, original, 'the original error, not a wrapper')
    // registration: net, vm-b (5ms), disk-c (10ms), vm-c (20ms), vm-a (40ms), dns
    assert.deepEqual(result.undone, ['dns', 'vm-a', 'vm-c', 'disk-c', 'vm-b', 'net'])
    assert.deepEqual(w.undoCalls, result.undone)
    assert.deepEqual([...w.objects], [])
  })

  void it('waits for concurrent siblings still running when one fails, and undoes what they created', async () => {
    const w = new World()
    const slowIgnoringAbort = w.ensure('vm-slow', 60)
    const result = await new TaskRunner(quiet()).run('start', [
      w.ensure('net'),
      {title: 'nodes', concurrency: 4, steps: [slowIgnoringAbort, failing('vm-fast failed', 5), w.ensure('vm-ok', 1)]},
    ])
    assert.equal((result.error as Error).message, 'vm-fast failed')
    assert.deepEqual(result.undone, ['vm-slow', 'vm-ok', 'net'])
    assert.deepEqual([...w.objects], [])
  })

  void it('never undoes an object that existed before the run (a reused object registers no undo)', async () => {
    const w = new World(['net'])
    const result = await new TaskRunner(quiet()).run('start', [w.ensure('net'), w.ensure('pool'), failing()])
    assert.deepEqual(result.undone, ['pool'])
    assert.deepEqual([...w.objects], ['net'])
  })

  void it('goes on unwinding when an undo throws, and reports it as failed and kept', async () => {
    const w = new World()
    const broken: Step = {
      title: 'create broken',
      run: () => Promise.resolve([{title: 'broken', run: () => Promise.reject(new Error('virsh says no'))}, w.undo('broken-2')]),
    }
    const log = recordingLog()
    const result = await new TaskRunner(quiet({log})).run('start', [w.ensure('net'), broken, w.ensure('pool'), failing('the failure')])
    assert.equal((result.error as Error).message, 'the failure')
    assert.deepEqual(result.undone, ['pool', 'broken-2', 'net'])
    assert.deepEqual(result.failedUndos.map((f) => [f.title, (f.error as Error).message]), [['broken', 'virsh says no']])
    assert.deepEqual(result.kept, ['broken'])
    assert.ok(log.lines.some((l) => l.startsWith('warn could not undo broken: virsh says no')), log.lines.join('\n'))
  })

  void it('keeps everything and lists it under keepOnFailure', async () => {
    const w = new World()
    const log = recordingLog()
    const result = await new TaskRunner(quiet({keepOnFailure: true, log})).run('start', [w.ensure('net'), w.ensure('pool'), failing()])
    assert.equal(result.ok, false)
    assert.deepEqual(result.undone, [])
    assert.deepEqual(result.kept, ['net', 'pool'])
    assert.deepEqual(w.undoCalls, [])
    assert.deepEqual([...w.objects].sort(), ['net', 'pool'])
  })

  void it('rolls back when the caller aborts its signal, once the running step has settled', async () => {
    const w = new World()
    const controller = new AbortController()
    let sawAbort = false
    const waiting: Step = {
      title: 'wait for ssh',
      run: ({signal}) => {
        setTimeout(() => {
          controller.abort()
        }, 5)
        // Ignores the signal on purpose for 100 ms: the runner must not wait for it to fail the step.
        return sleep(100).then(() => {
          sawAbort = signal.aborted
          return undefined
        })
      },
    }
    const started = Date.now()
    const result = await new TaskRunner(quiet({signal: controller.signal})).run('start', [w.ensure('net'), w.ensure('pool'), waiting])
    assert.equal(result.ok, false)
    assert.ok(hasCode(result.error, 'INTERRUPTED'), String(result.error))
    assert.deepEqual(result.undone, ['pool', 'net'])
    assert.ok(sawAbort, 'the step saw its signal aborted')
    assert.ok(Date.now() - started >= 90, 'the rollback waited for the step still running')
  })

  void it('reports the abort reason when the caller aborts with an Error', async () => {
    const controller = new AbortController()
    const reason = new Error('deadline reached')
    const step: Step = {
      title: 'long',
      run: ({signal}) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            reject(new Error('step saw abort'))
          })
          controller.abort(reason)
        }),
    }
    const result = await new TaskRunner(quiet({signal: controller.signal})).run('start', [step])
    assert.equal(result.error, reason)
  })

  void it('does not run steps that are skipped, and rejects a step with neither run nor steps', async () => {
    const w = new World()
    const skipped: Step = {...w.ensure('gpu'), skip: 'no GPU requested'}
    const ok = await new TaskRunner(quiet()).run('start', [w.ensure('net'), skipped])
    assert.equal(ok.ok, true)
    assert.deepEqual([...w.objects], ['net'])
    await assert.rejects(new TaskRunner(quiet()).run('bad', [{title: 'empty'}]), (e: unknown) => hasCode(e, 'INVALID_STEP'))
  })

  void it('removes its SIGINT listener afterwards, on success and on failure', async () => {
    const before = process.listenerCount('SIGINT')
    let during = -1
    const probe: Step = {
      title: 'probe',
      run: () => {
        during = process.listenerCount('SIGINT')
        return Promise.resolve(undefined)
      },
    }
    await new TaskRunner({json: true, log: recordingLog()}).run('ok', [probe])
    assert.equal(during, before + 1)
    assert.equal(process.listenerCount('SIGINT'), before)
    await new TaskRunner({json: true, log: recordingLog()}).run('fail', [probe, failing()])
    assert.equal(process.listenerCount('SIGINT'), before)
  })
})
