import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {mkdtemp} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'
import {HostFs} from '../host/host-fs.js'
import {fixtureRoot} from '../test-support/paths.js'
import {PciIdsDatabase} from './pci-ids.js'

void describe('pci.ids lookups', () => {
  const db = new PciIdsDatabase(new HostFs(fixtureRoot('workstation-nvidia')))

  void it('names vendors and devices, not confusing a device with a subsystem line', async () => {
    assert.equal(await db.vendor('10de'), 'NVIDIA Corporation')
    assert.equal(await db.device('10DE', '2230'), 'GA102GL [RTX A6000]')
    assert.equal(await db.device('8086', 'a36d'), 'Cannon Lake PCH USB 3.1 xHCI Host Controller')
    // 1459 is only a subsystem id under 10de:2230, never a device of its own.
    assert.equal(await db.device('10de', '1459'), undefined)
    // 2230 is a device of 10de, not of 8086.
    assert.equal(await db.device('8086', '2230'), undefined)
    assert.equal(await db.vendor('abcd'), undefined)
  })

  void it('names classes by sub-class, falling back to the class name', async () => {
    assert.equal(await db.className('030000'), 'VGA compatible controller')
    assert.equal(await db.className('0x030200'), '3D controller')
    assert.equal(await db.className('060400'), 'PCI bridge')
    assert.equal(await db.className('0c0330'), 'USB controller')
    assert.equal(await db.className('037700'), 'Display controller')
    assert.equal(await db.className('ff0000'), undefined)
  })

  void it('finds the file in /usr/share/hwdata too', async () => {
    const hwdata = new PciIdsDatabase(new HostFs(fixtureRoot('shared-group')))
    assert.equal(await hwdata.device('1b21', '2142'), 'ASM2142/ASM3142 USB 3.1 Host Controller')
  })

  void it('answers no names (not an error) when no pci.ids is installed', async () => {
    const empty = new PciIdsDatabase(new HostFs(await mkdtemp(path.join(os.tmpdir(), 'ai-how-noids-'))))
    assert.equal(await empty.vendor('10de'), undefined)
    assert.equal(await empty.className('030000'), undefined)
  })

  void it('reads the real database of this host when it has one', {skip: existsSync('/usr/share/misc/pci.ids') ? false : 'no /usr/share/misc/pci.ids on this host'}, async () => {
    const real = new PciIdsDatabase(new HostFs('/'))
    assert.equal(await real.vendor('8086'), 'Intel Corporation')
    assert.equal(await real.device('10de', '2230'), 'GA102GL [RTX A6000]')
  })
})
