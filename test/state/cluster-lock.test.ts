/** The cluster operation lock across real processes: a second operation fails at once naming the holder; a dead holder's lock is taken over. */
import assert from 'node:assert/strict'
import {afterEach, describe, it} from 'node:test'
import {hasCode} from '../../packages/core/src/errors.js'
import {withClusterLock} from '../../packages/core/src/state/index.js'
import {startWorker, stopWorkers, withTempDir} from './workers.js'

const log = (warnings: string[]) => ({info: () => undefined, debug: () => undefined, warn: (m: string) => warnings.push(m)})

afterEach(stopWorkers)

void describe('withClusterLock', () => {
  void it('refuses a second operation on the same cluster while another process holds it (CLUSTER_BUSY, holder named)', () => withTempDir(async (dir) => {
    const state = `${dir}/state.json`
    const holder = startWorker('hold-cluster.ts', [state, 'hpc_cluster', 'ai-how hpc start lab', '20000'])
    await holder.line(/^locked$/)
    const ran: string[] = []
    const error = await withClusterLock({statePath: state, stateKey: 'hpc_cluster', cluster: 'lab', holder: 'ai-how hpc stop lab', log: log([])}, () => {
      ran.push('stop')
      return Promise.resolve()
    }).catch((e: unknown) => e)
    assert.ok(hasCode(error, 'CLUSTER_BUSY'), String(error))
    assert.match((error as Error).message, new RegExp(`pid ${holder.pid} \\(ai-how hpc start lab\\)`))
    assert.deepEqual(ran, [])
    // Another cluster kind in the same state file is not blocked.
    await withClusterLock({statePath: state, stateKey: 'cloud_cluster', cluster: 'c', holder: 'ai-how cloud start c', log: log([])}, () => Promise.resolve())
  }))

  void it('takes over the lock of a holder that died, with a notice, and releases it afterwards', () => withTempDir(async (dir) => {
    const state = `${dir}/state.json`
    const holder = startWorker('hold-cluster.ts', [state, 'hpc_cluster', 'ai-how hpc start lab', '20000'])
    await holder.line(/^locked$/)
    holder.child.kill('SIGKILL')
    await holder.exited
    const warnings: string[] = []
    await withClusterLock({statePath: state, stateKey: 'hpc_cluster', cluster: 'lab', holder: 'ai-how hpc destroy lab', log: log(warnings)}, () => Promise.resolve())
    assert.ok(warnings.some((w) => w.includes(String(holder.pid))), warnings.join('\n'))
    await withClusterLock({statePath: state, stateKey: 'hpc_cluster', cluster: 'lab', holder: 'again', log: log([])}, () => Promise.resolve())
  }))
})
