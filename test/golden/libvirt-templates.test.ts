/**
 * Golden files of the libvirt templates, and schema validation of every rendered document with
 * libvirt's own RelaxNG schemas (virt-xml-validate, Debian package libxml2-utils + libvirt-clients).
 * AI_HOW_UPDATE_GOLDEN=1 rewrites the golden files from the current templates (golden.ts).
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'
import {assertGolden} from './golden.js'
import {renderGoldenCases} from './render-golden.js'

const GOLDEN_DIR = import.meta.dirname
const cases = renderGoldenCases()

function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0
}

/** virt-xml-validate's schema names: storage pools and volumes have their own. */
const SCHEMA = {domain: 'domain', network: 'network', pool: 'storagepool', vol: 'storagevol'} as const

void describe('libvirt templates: golden files', () => {
  for (const c of cases) {
    void it(`${c.file} matches test/golden/${c.file}`, () => {
      assertGolden(path.join(GOLDEN_DIR, c.file), c.xml)
    })
  }

  void it('covers controller, compute, GPU compute, direct kernel boot, network, pool and volume', () => {
    assert.deepEqual(
      cases.map((c) => c.file),
      ['controller.xml', 'compute.xml', 'compute-gpu.xml', 'direct-kernel-boot.xml', 'network.xml', 'pool.xml', 'volume.xml'],
    )
  })
})

void describe('libvirt templates: every rendered document passes virt-xml-validate', {skip: hasTool('virt-xml-validate') ? false : 'virt-xml-validate is not installed (apt-get install libxml2-utils libvirt-clients)'}, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ai-how-golden-'))
  for (const c of cases) {
    void it(`${c.file} is a valid libvirt ${SCHEMA[c.schema]} document`, () => {
      const file = path.join(dir, c.file)
      writeFileSync(file, c.xml)
      const res = spawnSync('virt-xml-validate', [file, SCHEMA[c.schema]], {encoding: 'utf8'})
      assert.equal(res.status, 0, `${c.file} does not validate:\n${res.stdout}${res.stderr}`)
      assert.match(res.stdout + res.stderr, /validates/)
    })
  }

  void it('rejects a broken document (the validator really validates)', () => {
    const broken = path.join(dir, 'broken.xml')
    const domain = cases.find((c) => c.file === 'controller.xml')?.xml ?? ''
    writeFileSync(broken, domain.replace("<vcpu placement='static'>4</vcpu>", "<vcpu placement='static'>four</vcpu>"))
    const res = spawnSync('virt-xml-validate', [broken, 'domain'], {encoding: 'utf8'})
    assert.equal(res.status, 3, 'virt-xml-validate exits 3 for a document that does not validate')
    assert.match(res.stderr, /broken\.xml fails to validate/)
  })
})
