/**
 * Managed save and the guest clock over virsh: the exact command lines, their bounds and the parsing
 * of their answers (the cycle on a real daemon: e2e hpc-lifecycle).
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import type {ExecFn} from './exec.js'
import {GUEST_TIME_TIMEOUT_MS, MANAGED_SAVE_TIMEOUT_MS, parseDomtime} from './managed-save.js'
import {VirshHypervisor} from './virsh-hypervisor.js'


function recording(): {hv: VirshHypervisor; requests: readonly string[][]} {
  const requests: string[][] = []
  const exec: ExecFn = (request) => {
    requests.push([...request.args])
    return Promise.resolve({exitCode: 0, stdout: '', stderr: '', timedOut: false})
  }
  return {hv: new VirshHypervisor({uri: 'qemu:///system', exec}), requests}
}

void describe('managed save over virsh', () => {
  // libvirt's test driver hangs on a read right after a managed save (and on a restore) when its
  // commands are replayed, so the cycle on a real daemon is the e2e test's (hpc-lifecycle); here the
  // exact command lines and the parsing of their answers.
  void it('save, remove and the saved list are single bounded virsh calls; only the asked names come back', async () => {
    const requests: {args: readonly string[]; timeoutMs: number | undefined}[] = []
    const exec: ExecFn = (request) => {
      requests.push({args: request.args, timeoutMs: request.timeoutMs})
      const stdout = request.args.includes('list') ? 'lab-node\nother-cluster-node\n\n' : ''
      return Promise.resolve({exitCode: 0, stdout, stderr: '', timedOut: false})
    }
    const hv = new VirshHypervisor({uri: 'qemu:///system', exec})
    await hv.managedSaveDomain('lab-node')
    await hv.removeManagedSave('lab-node')
    assert.deepEqual(await hv.managedSavedDomains(['lab-node', 'lab-other']), new Set(['lab-node']))
    assert.deepEqual(await hv.managedSavedDomains([]), new Set())
    assert.deepEqual(requests.map((r) => [r.args.slice(3), r.timeoutMs]), [
      [['managedsave', 'lab-node'], MANAGED_SAVE_TIMEOUT_MS],
      [['managedsave-remove', 'lab-node'], 60_000],
      [['list', '--all', '--name', '--with-managed-save'], 60_000],
    ])
  })

  void it('an unsafe name never reaches virsh', async () => {
    const {hv, requests} = recording()
    await assert.rejects(hv.managedSaveDomain('x; reboot'))
    await assert.rejects(hv.removeManagedSave('$(id)'))
    await assert.rejects(hv.managedSavedDomains(['ok', 'no way']))
    await assert.rejects(hv.syncGuestTime('a b'))
    assert.equal(requests.length, 0)
  })
})

void describe('the guest clock through the agent', () => {
  void it('reads `virsh domtime NAME` and sets with `virsh domtime NAME --sync`, both bounded', async () => {
    const requests: {args: readonly string[]; timeoutMs: number | undefined}[] = []
    const exec: ExecFn = (request) => {
      requests.push({args: request.args, timeoutMs: request.timeoutMs})
      return Promise.resolve({exitCode: 0, stdout: 'Time: 1764531234\n', stderr: '', timedOut: false})
    }
    const hv = new VirshHypervisor({uri: 'qemu:///system', exec})
    assert.equal(await hv.guestTime('lab-node'), 1764531234)
    await hv.syncGuestTime('lab-node')
    assert.deepEqual(requests.map((r) => [r.args.slice(3), r.timeoutMs]), [[['domtime', 'lab-node'], GUEST_TIME_TIMEOUT_MS], [['domtime', 'lab-node', '--sync'], GUEST_TIME_TIMEOUT_MS]])
  })

  void it('parses domtime output and refuses anything else', () => {
    assert.equal(parseDomtime('Time: 1700000000\n'), 1700000000)
    assert.throws(() => parseDomtime('error: Guest agent is not responding'))
  })
})
