/**
 * Managed save and the guest clock over virsh: the save -> restore -> remove cycle on libvirt's test
 * driver (replayed session), and the exact command lines of the agent's clock calls (the test
 * driver has no guest agent).
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {describe, it} from 'node:test'
import type {ExecFn} from './exec.js'
import {GUEST_TIME_TIMEOUT_MS, MANAGED_SAVE_TIMEOUT_MS, parseDomtime} from './managed-save.js'
import {replayExec} from './testing/replay-exec.js'
import {VirshHypervisor} from './virsh-hypervisor.js'

const skip = spawnSync('sh', ['-c', 'command -v virsh']).status === 0 ? false : 'virsh is not installed (apt-get install libvirt-clients)'

function recording(): {hv: VirshHypervisor; requests: {args: readonly string[]; timeoutMs: number | undefined}[]} {
  const requests: {args: readonly string[]; timeoutMs: number | undefined}[] = []
  const replay = replayExec()
  const exec: ExecFn = (request) => {
    requests.push({args: request.args, timeoutMs: request.timeoutMs})
    return replay.exec(request)
  }
  return {hv: new VirshHypervisor({uri: 'test:///default', exec}), requests}
}

void describe('managed save over virsh (test driver, replayed session)', {skip}, () => {
  // On the driver's own running domain `test`: with a defined domain and with a start right after a
  // save (a restore), the test driver hangs; that path is proven on a real daemon (e2e hpc-lifecycle).
  void it('save -> shut off with an image -> undefine leaves neither domain nor image', async () => {
    const {hv, requests} = recording()
    assert.deepEqual(await hv.managedSavedDomains(['test']), new Set())
    await hv.managedSaveDomain('test')
    assert.equal(await hv.domainState('test'), 'shutoff')
    assert.deepEqual(await hv.managedSavedDomains(['test', 'other']), new Set(['test']))
    const save = requests.find((r) => r.args.includes('managedsave'))
    assert.deepEqual([save?.args.slice(3), save?.timeoutMs], [['managedsave', 'test'], MANAGED_SAVE_TIMEOUT_MS])
    await hv.undefineDomain('test')
    assert.equal(await hv.domainState('test'), 'absent')
    assert.deepEqual(await hv.managedSavedDomains(['test']), new Set())
  })

  void it('remove drops the image and keeps the domain', async () => {
    const {hv} = recording()
    await hv.managedSaveDomain('test')
    await hv.removeManagedSave('test')
    assert.deepEqual(await hv.managedSavedDomains(['test']), new Set())
    assert.equal(await hv.domainState('test'), 'shutoff')
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
