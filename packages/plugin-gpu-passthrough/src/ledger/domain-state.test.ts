import assert from 'node:assert/strict'
import {mkdtemp, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'
import {hasCode} from '@ai-how/core'
import {holdsDevices, virshDomainState} from './domain-state.js'
import {hasVirsh} from '../test-support/virsh.js'

const skip = hasVirsh() ? false : 'virsh is not installed (Debian: apt-get install libvirt-clients)'

/** A libvirt test-driver world with one domain per run state (1 running, 3 paused, 5 shut off). */
async function testDriverUri(): Promise<string> {
  const domain = (name: string, state: number): string =>
    `<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>${name}</name><memory>262144</memory><os><type>hvm</type></os><test:runstate>${state}</test:runstate></domain>`
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'ai-how-libvirt-')), 'node.xml')
  await writeFile(file, `<node>${domain('vm-running', 1)}${domain('vm-paused', 3)}${domain('vm-off', 5)}</node>`)
  return `test://${file}`
}

void describe('libvirt domain state (real virsh, test driver)', {skip}, () => {
  void it('reads the state of the built-in test domain of test:///default', async () => {
    assert.equal(await virshDomainState('test:///default', 'test'), 'running')
  })

  void it('tells holding states from the others, and a missing domain from a failure', async () => {
    const uri = await testDriverUri()
    assert.equal(holdsDevices(await virshDomainState(uri, 'vm-running')), true)
    assert.equal(holdsDevices(await virshDomainState(uri, 'vm-paused')), true)
    assert.equal(await virshDomainState(uri, 'vm-off'), 'shut off')
    assert.equal(holdsDevices('shut off'), false)
    assert.equal(await virshDomainState(uri, 'no-such-vm'), undefined)
  })

  void it('fails with GPU_HOLDER_UNKNOWN when libvirt cannot be asked, and never passes a malformed name', async () => {
    await assert.rejects(virshDomainState('test:///no/such/file.xml', 'vm'), (e: unknown) => hasCode(e, 'GPU_HOLDER_UNKNOWN'))
    await assert.rejects(virshDomainState('test:///default', '--help'), TypeError)
  })
})
