/**
 * shutdownAll over the in-memory hypervisor: the guest agent when it answers, a poweroff over SSH
 * when it does not, ACPI alone, force only at the timeout, and every node asked at once.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {shutdownAll} from './power.js'
import type {PowerTarget} from './power.js'
import type {GuestPowerOff} from './ssh-poweroff.js'
import {FakeHypervisor} from './testing/fake-hypervisor.js'

async function running(names: string[]): Promise<FakeHypervisor> {
  const hv = new FakeHypervisor()
  for (const name of names) {
    await hv.defineDomain(`<domain type='qemu'><name>${name}</name><memory>1</memory></domain>`)
    await hv.startDomain(name)
  }
  hv.calls.length = 0
  return hv
}

const ssh = {user: 'debian', privateKey: 'k', knownHostsFile: '/nonexistent'}
const target = (name: string, agentChannel = true, host: string | null = '10.0.0.1'): PowerTarget => ({name, agentChannel, ...(host === null ? {} : {ssh: {...ssh, host, hostAlias: name}})})

/** A guest that powers off when asked over SSH (`off`: which names do), recording who was asked. */
function guestSsh(hv: FakeHypervisor, off: (name: string) => boolean, asked: string[]): GuestPowerOff {
  return async (t) => {
    const name = t.hostAlias ?? t.host
    asked.push(name)
    await Promise.resolve()
    if (!off(name)) return {accepted: false, detail: 'no SSH session (ECONNREFUSED)'}
    const d = hv.domains.get(name)
    if (d) d.state = 'shutoff'
    return {accepted: true, detail: 'connection closed by the poweroff (ECONNRESET)'}
  }
}

void describe('shutdownAll: graceful first on any image', () => {
  void it('uses the guest agent when it answers: no SSH, no ACPI, no force', async () => {
    const hv = await running(['a', 'b'])
    hv.agents.add('a').add('b')
    hv.ignoresAcpi.add('a').add('b')
    const asked: string[] = []
    const report = await shutdownAll(hv, [target('a'), target('b')], {timeoutMs: 5000, pollMs: 10, sshPowerOff: guestSsh(hv, () => true, asked)})
    assert.deepEqual(report.nodes.map((n) => [n.name, n.method]).sort(), [['a', 'agent'], ['b', 'agent']])
    assert.deepEqual(asked, [])
    assert.deepEqual(hv.calls.sort(), ['agentShutdownDomain a', 'agentShutdownDomain b'])
    assert.deepEqual(report.forced, [])
  })

  void it('without an agent (no channel, or not connected), powers off over SSH: none forced, well before the timeout', async () => {
    const hv = await running(['a', 'b'])
    hv.ignoresAcpi.add('a').add('b')
    const asked: string[] = []
    const started = Date.now()
    const report = await shutdownAll(hv, [target('a', false), target('b', true)], {timeoutMs: 5000, pollMs: 10, sshPowerOff: guestSsh(hv, () => true, asked)})
    assert.ok(Date.now() - started < 2000)
    assert.deepEqual(report.nodes.map((n) => [n.name, n.method]).sort(), [['a', 'ssh'], ['b', 'ssh']])
    assert.deepEqual(asked.sort(), ['a', 'b'])
    assert.ok(hv.calls.includes('agentShutdownDomain b') && !hv.calls.includes('agentShutdownDomain a'), 'the agent is asked only where the domain has its channel')
    const b = report.nodes.find((n) => n.name === 'b')
    assert.deepEqual(b?.tried.slice(0, 2), ['agent: Guest agent is not responding: QEMU guest agent is not connected', 'ssh: connection closed by the poweroff (ECONNRESET)'])
    assert.deepEqual(report.forced, [])
  })

  void it('neither agent nor SSH: ACPI stops a guest that obeys it; one that ignores it is forced at the timeout, and says what each channel answered', async () => {
    const hv = await running(['obeys', 'deaf'])
    hv.ignoresAcpi.add('deaf')
    const report = await shutdownAll(hv, [target('obeys', true, null), target('deaf', true)], {timeoutMs: 50, pollMs: 10, sshPowerOff: guestSsh(hv, () => false, [])})
    assert.deepEqual(report.nodes.map((n) => [n.name, n.method]), [['obeys', 'acpi'], ['deaf', 'forced']])
    assert.deepEqual(report.graceful, ['obeys'])
    assert.deepEqual(report.forced, ['deaf'])
    assert.deepEqual(report.nodes[1]?.tried, ['agent: Guest agent is not responding: QEMU guest agent is not connected', 'ssh: no SSH session (ECONNREFUSED)', 'acpi: request sent'])
    assert.ok(hv.calls.indexOf('shutdownDomain deaf') < hv.calls.indexOf('forceOffDomain deaf'))
    assert.equal(hv.domains.get('deaf')?.state, 'shutoff')
  })

  void it('keeps the whole of libvirt\'s agent error in what was tried (the reason is at its end)', async () => {
    const hv = await running(['e2e-nodbus-5b1dc0-controller'])
    const name = 'e2e-nodbus-5b1dc0-controller'
    const message = `virsh shutdown ${name} failed: Failed to shutdown domain '${name}': Guest agent is not responding: QEMU guest agent is not connected`
    hv.failOn('agentShutdownDomain', name, new Error(`${message}\nerror: more`))
    const report = await shutdownAll(hv, [target(name, true, null)], {timeoutMs: 1000, pollMs: 10})
    assert.equal(report.nodes[0]?.tried[0], `agent: ${message}`)
  })

  void it('asks every node at once: all SSH requests are in flight together', async () => {
    const names = ['n1', 'n2', 'n3', 'n4', 'n5']
    const hv = await running(names)
    for (const n of names) hv.ignoresAcpi.add(n)
    let inFlight = 0
    let most = 0
    let release: () => void = () => undefined
    const all = new Promise<void>((resolve) => { release = resolve })
    const slow: GuestPowerOff = async (t) => {
      inFlight += 1
      most = Math.max(most, inFlight)
      if (inFlight === names.length) release()
      // Sequential asking would wait here forever for the others: the bound turns that into a failed assertion.
      await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 1000))])
      inFlight -= 1
      const d = hv.domains.get(t.hostAlias ?? '')
      if (d) d.state = 'shutoff'
      return {accepted: true, detail: 'poweroff accepted'}
    }
    const started = Date.now()
    const report = await shutdownAll(hv, names.map((n) => target(n, false)), {timeoutMs: 5000, pollMs: 10, sshPowerOff: slow})
    assert.equal(most, names.length)
    assert.ok(Date.now() - started < 900, 'no node waited for another')
    assert.deepEqual(report.nodes.map((n) => n.method), names.map(() => 'ssh'))
  })
})
