import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {HypervisorError, isAiHowError} from '@ai-how/core'
import type {NodeDescription} from '@ai-how/core'
import type {DomainState, Hypervisor} from '../hypervisor/types.js'
import {watchDomains} from './domain-watch.js'
import {waitForNodesSsh} from './ssh-ready.js'

/** A hypervisor whose domainStates answers from `answers`, one per look (the last one repeats). */
function fakeHv(answers: (Record<string, DomainState> | Error)[]) {
  let looks = 0
  return {
    looks: () => looks,
    hv: {
      domainStates: (names: readonly string[]): Promise<Map<string, DomainState>> => {
        const answer = answers[Math.min(looks, answers.length - 1)] ?? {}
        looks += 1
        if (answer instanceof Error) return Promise.reject(answer)
        return Promise.resolve(new Map(names.flatMap((n): [string, DomainState][] => (answer[n] === undefined ? [] : [[n, answer[n]]]))))
      },
    },
  }
}

const unreachable = (): HypervisorError => new HypervisorError('virsh (batch) failed: libvirt at qemu:///system cannot be reached: ...', {code: 'HYPERVISOR_UNREACHABLE'})

void describe('watchDomains: the domains start waits for must keep running', () => {
  void it('a domain that shuts off ends the wait with VM_STOPPED_DURING_START naming it and its state', async () => {
    const f = fakeHv([{a: 'running', b: 'running'}, {a: 'running', b: 'shutoff'}])
    const stop = new AbortController()
    await watchDomains(f.hv, ['a', 'b'], stop, new AbortController().signal, 1)
    assert.equal(f.looks(), 2)
    const reason: unknown = stop.signal.reason
    assert.ok(isAiHowError(reason) && reason.code === 'VM_STOPPED_DURING_START')
    assert.equal(reason.message, 'b (shutoff) stopped while start waited for SSH (a shutdown asked before this start, e.g. by an interrupted stop, or from inside the guest)')
  })

  void it('a domain that is gone counts as stopped', async () => {
    const stop = new AbortController()
    await watchDomains(fakeHv([{}]).hv, ['a'], stop, new AbortController().signal, 1)
    assert.match((stop.signal.reason as Error).message, /^a \(absent\) stopped/)
  })

  void it('an unreachable libvirt ends the wait with its own error; any other failed look is tried again', async () => {
    const f = fakeHv([new HypervisorError('virsh timed out', {code: 'HYPERVISOR_TIMEOUT'}), {a: 'running'}, unreachable()])
    const stop = new AbortController()
    await watchDomains(f.hv, ['a'], stop, new AbortController().signal, 1)
    assert.equal(f.looks(), 3)
    assert.equal((stop.signal.reason as HypervisorError).code, 'HYPERVISOR_UNREACHABLE')
  })

  void it('running, paused or blocked domains are left to wait; done ends the watch without a reason', async () => {
    const f = fakeHv([{a: 'running', b: 'paused', c: 'blocked'}])
    const stop = new AbortController()
    const done = new AbortController()
    const watching = watchDomains(f.hv, ['a', 'b', 'c'], stop, done.signal, 1)
    while (f.looks() < 3) await new Promise((resolve) => setTimeout(resolve, 2))
    done.abort()
    await watching
    assert.equal(stop.signal.aborted, false)
  })
})

void describe('waitForNodesSsh ends at once when a domain it waits for stops', () => {
  void it('the waiter is aborted and the start gets VM_STOPPED_DURING_START, long before the SSH deadline', async () => {
    const f = fakeHv([{'c-controller': 'running'}, {'c-controller': 'shutoff'}])
    const started = Date.now()
    const waiter = (_nodes: unknown, options: {signal?: AbortSignal}): Promise<never> =>
      new Promise((_resolve, reject) => { options.signal?.addEventListener('abort', () => { reject(options.signal?.reason as Error) }) })
    await assert.rejects(waitForNodesSsh({
      hv: f.hv as unknown as Hypervisor, cluster: 'c', nodes: [{vmName: 'c-controller', ip: '10.1.1.10'} as NodeDescription], user: 'u', privateKey: 'k',
      knownHostsFile: '/nonexistent', deadlineMs: 600_000, consoleLogDir: '/nonexistent', waiter, signal: new AbortController().signal, progress: () => undefined, watchIntervalMs: 1,
    }), (error: unknown) => isAiHowError(error) && error.code === 'VM_STOPPED_DURING_START' && error.message.startsWith('c-controller (shutoff) stopped'))
    assert.ok(Date.now() - started < 5000)
  })
})
