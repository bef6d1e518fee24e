/**
 * Reading the state of N domains costs a bounded number of virsh processes: the same for a
 * cluster of 3 and of 30 defined domains (test driver worlds generated with N domains).
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'
import {countingExec} from './exec.js'
import {VirshHypervisor} from './virsh-hypervisor.js'

const skip = spawnSync('sh', ['-c', 'command -v virsh']).status === 0 ? false : 'virsh is not installed (apt-get install libvirt-clients)'

const uuid = (n: number): string => `7a000000-0000-4000-8000-${String(n).padStart(12, '0')}`
const mac = (n: number): string => `52:54:00:00:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`
const vm = (n: number): string => `scale-compute-${String(n).padStart(2, '0')}`

/** A test-driver world with `count` ai-how domains of cluster "scale" (every third one shut off) plus a network and a pool. */
function world(count: number): string {
  const domains = Array.from({length: count}, (_, i) => {
    const n = i + 1
    return `<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>${vm(n)}</name><uuid>${uuid(n)}</uuid>
  <metadata><aihow:owner xmlns:aihow='https://github.com/ai-how/ai-how/ns/1' cluster='scale' kind='hpc' role='compute' node='compute-${n}'/></metadata>
  <memory unit='MiB'>512</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>
  <devices><interface type='network'><mac address='${mac(n)}'/><source network='scale-network'/></interface></devices>
  ${n % 3 === 0 ? '<test:runstate>5</test:runstate>' : ''}</domain>`
  })
  const xml = `<node>
${domains.join('\n')}
<network><name>scale-network</name><uuid>${uuid(9001)}</uuid><metadata><aihow:owner xmlns:aihow='https://github.com/ai-how/ai-how/ns/1' cluster='scale' kind='hpc'/></metadata>
  <bridge name='br-scale'/><ip address='10.20.0.1' netmask='255.255.0.0'/></network>
<pool type='dir'><name>scale-pool</name><uuid>${uuid(9002)}</uuid><target><path>/var/lib/libvirt/images/scale</path></target>
  <volume><name>ai-how-owner.hpc.scale</name><capacity>0</capacity></volume></pool>
</node>`
  const file = path.join(mkdtempSync(path.join(tmpdir(), `ai-how-scale-${count}-`)), 'node.xml')
  writeFileSync(file, xml)
  return `test://${file}`
}

interface Measure {
  counts: Record<string, number>
  results: Record<string, number>
}

async function measure(count: number): Promise<Measure> {
  const counter = countingExec()
  const hv = new VirshHypervisor({uri: world(count), exec: counter.exec})
  const names = Array.from({length: count}, (_, i) => vm(i + 1))
  const counts: Record<string, number> = {}
  const results: Record<string, number> = {}
  const step = async (label: string, run: () => Promise<number>): Promise<void> => {
    counter.reset()
    results[label] = await run()
    counts[label] = counter.count('virsh')
  }
  await step('domainStates', async () => [...(await hv.domainStates(names)).values()].filter((s) => s === 'running').length)
  await step('describeDomains', async () => (await hv.describeDomains(names)).size)
  await step('listDomains', async () => (await hv.listDomains()).length)
  await step('listOwned', async () => (await hv.listOwned('scale', 'hpc')).domains.length)
  await step('domainAddresses', async () => (await hv.domainAddresses(names.map((domain, i) => ({domain, mac: mac(i + 1), network: 'scale-network'})))).size)
  return {counts, results}
}

void describe('bounded virsh process count', {skip}, () => {
  void it('status of 3 and of 30 domains spawns the same number of virsh processes', async () => {
    const three = await measure(3)
    const thirty = await measure(30)
    assert.deepEqual(thirty.counts, three.counts)
    // And the reads really covered every domain (every third one is shut off: no state 'running', no address).
    assert.deepEqual(three.results, {domainStates: 2, describeDomains: 3, listDomains: 3, listOwned: 3, domainAddresses: 2})
    assert.deepEqual(thirty.results, {domainStates: 20, describeDomains: 30, listDomains: 30, listOwned: 30, domainAddresses: 20})
    // One process per read, two for the ownership listing, three for the IP chain (lease, agent, then arp for the shut-off ones).
    assert.deepEqual(three.counts, {domainStates: 1, describeDomains: 1, listDomains: 1, listOwned: 2, domainAddresses: 3})
  })
})
