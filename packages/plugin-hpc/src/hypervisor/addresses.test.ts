/**
 * The IP lookup chain (lease, then guest agent, then ARP) with each step answering in its own case.
 * virsh runs against libvirt's test driver seeded from fixtures/node.xml, whose `domifaddr` answers
 * the same fixed address for every source. The test driver has no DHCP leases and no way to make
 * one source silent, so the commands a case names are answered here instead (a lease table; the
 * empty output of a guest without an agent); every other command of the batch goes to the driver.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import path from 'node:path'
import {describe, it} from 'node:test'
import {execaExec} from './exec.js'
import type {ExecFn} from './exec.js'
import {VirshHypervisor} from './virsh-hypervisor.js'

const FIXTURE_URI = `test://${path.join(import.meta.dirname, 'fixtures', 'node.xml')}`
const skip = spawnSync('sh', ['-c', 'command -v virsh']).status === 0 ? false : 'virsh is not installed (apt-get install libvirt-clients)'

/** What the test driver's domifaddr answers for demo-controller's NIC (any --source). */
const DRIVER_IP = '192.168.150.11'
const LEASES = [
  ' 2026-11-30 18:00:00   52:54:00:de:00:77   ipv4   192.168.150.77/24   someone-else    -',
  ' 2026-11-30 18:00:00   52:54:00:de:00:01   ipv4   192.168.150.10/24   demo-controller ff:00:00:00:01',
].join('\n')

interface Recorded {
  exec: ExecFn
  /** Every virsh command asked, in order (the batch markers left out). */
  asked: string[]
}

/** Runs each command of a virsh batch on its own: `canned` ones answered here, the rest by the driver. */
function partlyCanned(canned: Record<string, string>): Recorded {
  const asked: string[] = []
  const exec: ExecFn = async (request) => {
    const [quiet, connect, uri, script, ...more] = request.args
    assert.deepEqual([quiet, connect, uri, more], ['-q', '-c', FIXTURE_URI, []], 'a batch: virsh -q -c URI SCRIPT')
    let stdout = ''
    for (const command of (script ?? '').split(' ; ')) {
      if (command.startsWith('echo ')) {
        stdout += `${command.slice('echo '.length)}\n`
        continue
      }
      asked.push(command)
      const answer = canned[command]
      stdout += answer ?? (await execaExec({file: 'virsh', args: ['-q', '-c', FIXTURE_URI, command], timeoutMs: request.timeoutMs})).stdout
    }
    return {exitCode: 0, stdout, stderr: '', timedOut: false}
  }
  return {exec, asked}
}

const QUERIES = [
  {domain: 'demo-controller', mac: '52:54:00:de:00:01', network: 'demo-network'},
  {domain: 'demo-compute-01', mac: '52:54:00:aa:aa:aa', network: 'demo-network'},
]

void describe('domainAddresses: lease, then agent, then ARP, matching the MAC', {skip}, () => {
  void it('a DHCP lease of the MAC answers first; agent and ARP are asked only for the rest', async () => {
    const r = partlyCanned({'net-dhcp-leases demo-network': LEASES})
    const found = await new VirshHypervisor({uri: FIXTURE_URI, exec: r.exec}).domainAddresses(QUERIES)
    assert.deepEqual([...found], [['demo-controller', {ip: '192.168.150.10', prefix: 24, mac: '52:54:00:de:00:01', source: 'lease'}]])
    assert.deepEqual(r.asked, ['net-dhcp-leases demo-network', 'domifaddr demo-compute-01 --source agent', 'domifaddr demo-compute-01 --source arp'])
  })

  void it('with no lease (the test driver has none) the guest agent answers; ARP is not asked', async () => {
    const r = partlyCanned({})
    const found = await new VirshHypervisor({uri: FIXTURE_URI, exec: r.exec}).domainAddresses(QUERIES)
    assert.deepEqual([...found], [['demo-controller', {ip: DRIVER_IP, prefix: 24, mac: '52:54:00:de:00:01', source: 'agent'}]])
    assert.deepEqual(r.asked, [
      'net-dhcp-leases demo-network',
      'domifaddr demo-controller --source agent', 'domifaddr demo-compute-01 --source agent',
      'domifaddr demo-compute-01 --source arp',
    ])
  })

  void it('with no lease and no agent answer the host ARP table answers', async () => {
    const r = partlyCanned({'domifaddr demo-controller --source agent': ''})
    const found = await new VirshHypervisor({uri: FIXTURE_URI, exec: r.exec}).domainAddresses(QUERIES)
    assert.deepEqual([...found], [['demo-controller', {ip: DRIVER_IP, prefix: 24, mac: '52:54:00:de:00:01', source: 'arp'}]])
    assert.deepEqual(r.asked.slice(-2), ['domifaddr demo-controller --source arp', 'domifaddr demo-compute-01 --source arp'])
  })

  void it('an address of another MAC (or a loopback one) is not the node\'s, whichever source gives it', async () => {
    const other = ' vnet1   52:54:00:de:00:02   ipv4   192.168.150.12/24\n lo   52:54:00:aa:aa:aa   ipv4   127.0.0.1/8'
    const r = partlyCanned({'domifaddr demo-compute-01 --source agent': other, 'domifaddr demo-compute-01 --source arp': other})
    const found = await new VirshHypervisor({uri: FIXTURE_URI, exec: r.exec}).domainAddresses(QUERIES)
    assert.deepEqual([...found.keys()], ['demo-controller'])
  })

  void it('the real batch in one virsh process gives the same agent answer', async () => {
    const found = await new VirshHypervisor({uri: FIXTURE_URI}).domainAddresses(QUERIES)
    assert.deepEqual([...found], [['demo-controller', {ip: DRIVER_IP, prefix: 24, mac: '52:54:00:de:00:01', source: 'agent'}]])
  })
})
