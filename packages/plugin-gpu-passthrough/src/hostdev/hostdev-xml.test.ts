import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {mkdtemp, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'
import {promisify} from 'node:util'
import {hasCode} from '@ai-how/core'
import {assertGolden} from '../test-support/golden.js'
import {hostdevsXml, planHostdevs} from './hostdev-xml.js'

const run = promisify(execFile)

async function which(tool: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${tool}`])
    return true
  } catch {
    return false
  }
}

void describe('hostdev XML', () => {
  void it('keeps a GPU and its audio function together on one guest slot, ROM BAR on the GPU only', async () => {
    const xml = hostdevsXml([{pciAddress: '0000:01:00.1', deviceType: 'audio'}, {pciAddress: '0000:01:00.0', deviceType: 'gpu'}])
    await assertGolden('gpu-with-audio.xml', `${xml.join('\n')}\n`)
  })

  void it('gives each physical device its own guest slot, in host address order', async () => {
    const xml = hostdevsXml([
      {pciAddress: '0000:81:00.0', deviceType: 'gpu'},
      {pciAddress: '0000:01:00.0', deviceType: 'gpu'},
      {pciAddress: '0000:01:00.1', deviceType: 'audio'},
      {pciAddress: '0000:81:00.1', deviceType: 'audio'},
      {pciAddress: '0000:03:00.0', deviceType: 'network'},
    ])
    await assertGolden('two-gpus-and-a-nic.xml', `${xml.join('\n')}\n`)
  })

  void it('renumbers a lone function 1 to guest function 0 (a guest slot must have a function 0)', () => {
    assert.deepEqual(planHostdevs([{pciAddress: '0000:01:00.1', deviceType: 'audio'}]), [
      {hostAddress: '0000:01:00.1', deviceType: 'audio', guest: {bus: 0, slot: 0x10, fn: 0, multifunction: false}},
    ])
  })

  void it('is deterministic whatever the order of the devices in the config', () => {
    const a = hostdevsXml([{pciAddress: '0000:02:00.0', deviceType: 'gpu'}, {pciAddress: '0000:01:00.0', deviceType: 'gpu'}])
    const b = hostdevsXml([{pciAddress: '0000:01:00.0', deviceType: 'gpu'}, {pciAddress: '0000:02:00.0', deviceType: 'gpu'}])
    assert.deepEqual(a, b)
  })

  void it('refuses anything but a validated address, so nothing foreign reaches the XML', () => {
    for (const bad of ["0000:01:00.0' managed='no", '0000:01:00.0/../x', '1:0.0']) {
      assert.throws(() => hostdevsXml([{pciAddress: bad, deviceType: 'gpu'}]), (e: unknown) => hasCode(e, 'GPU_BAD_ADDRESS'))
    }
    assert.throws(() => hostdevsXml([{pciAddress: '0000:01:00.0', deviceType: 'gpu'}, {pciAddress: '0000:01:00.0', deviceType: 'gpu'}]), (e: unknown) => hasCode(e, 'GPU_DUPLICATE_DEVICE'))
  })

  void it('is valid libvirt domain XML (virt-xml-validate)', async (t) => {
    if (!(await which('virt-xml-validate'))) {
      t.skip('virt-xml-validate is not installed (Debian: apt-get install libvirt-clients libxml2-utils)')
      return
    }
    const devices = hostdevsXml([{pciAddress: '0000:01:00.0', deviceType: 'gpu'}, {pciAddress: '0000:01:00.1', deviceType: 'audio'}])
    const domain = [
      "<domain type='kvm'>",
      '  <name>gpu-validate</name>',
      "  <memory unit='MiB'>512</memory>",
      '  <vcpu>1</vcpu>',
      "  <os><type arch='x86_64' machine='q35'>hvm</type></os>",
      '  <devices>',
      ...devices.map((d) => d.replace(/^/gm, '    ')),
      '  </devices>',
      '</domain>',
    ].join('\n')
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'ai-how-hostdev-')), 'domain.xml')
    await writeFile(file, domain)
    const {stdout, stderr} = await run('virt-xml-validate', [file, 'domain'])
    assert.match(`${stdout}${stderr}`, /validates/)
    // And the check can fail: a hostdev without its source is rejected by the same schema.
    await writeFile(file, domain.replace(/<source>[\s\S]*?<\/source>/, ''))
    await assert.rejects(run('virt-xml-validate', [file, 'domain']))
  })
})
