/** The golden-file switch: only AI_HOW_UPDATE_GOLDEN=1 rewrites; unset compares; anything else is refused. */
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {assertGolden, updatingGolden} from './golden.js'

const dir = mkdtempSync(path.join(tmpdir(), 'ai-how-golden-'))
after(() => {
  rmSync(dir, {recursive: true, force: true})
})

void describe('golden files: one switch', () => {
  void it('reads AI_HOW_UPDATE_GOLDEN=1 as "rewrite", unset or empty as "compare"', () => {
    assert.equal(updatingGolden({AI_HOW_UPDATE_GOLDEN: '1'}), true)
    assert.equal(updatingGolden({}), false)
    assert.equal(updatingGolden({AI_HOW_UPDATE_GOLDEN: ''}), false)
  })

  void it('refuses any other value and the retired UPDATE_GOLDEN, naming the switch', () => {
    assert.throws(() => updatingGolden({AI_HOW_UPDATE_GOLDEN: 'yes'}), /AI_HOW_UPDATE_GOLDEN=yes: set it to 1/)
    assert.throws(() => updatingGolden({UPDATE_GOLDEN: '1'}), /UPDATE_GOLDEN is not read: .* AI_HOW_UPDATE_GOLDEN=1/)
    assert.throws(() => updatingGolden({UPDATE_GOLDEN: '', AI_HOW_UPDATE_GOLDEN: '1'}), /UPDATE_GOLDEN is not read/)
  })

  void it('compares byte for byte without the switch, and rewrites (creating folders) with it', () => {
    const file = path.join(dir, 'sub', 'out.txt')
    assertGolden(file, 'new\n', {AI_HOW_UPDATE_GOLDEN: '1'})
    assert.equal(readFileSync(file, 'utf8'), 'new\n')
    assertGolden(file, 'new\n', {})
    assert.throws(() => { assertGolden(file, 'new \n', {}) }, /differs from the golden file .*out\.txt \(AI_HOW_UPDATE_GOLDEN=1 rewrites it/)
    writeFileSync(file, 'old\n')
    assert.throws(() => { assertGolden(file, 'new\n', {AI_HOW_UPDATE_GOLDEN: 'true'}) }, /set it to 1/)
    assert.equal(readFileSync(file, 'utf8'), 'old\n', 'a refused switch rewrites nothing')
  })
})
