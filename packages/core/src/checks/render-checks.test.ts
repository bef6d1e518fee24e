import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import type {HostCheckResult} from '../contracts/extensions.js'
import {checkStatus} from './check-result.js'
import {anyCheckFailed, checksJson, renderChecks, summaryLine} from './render-checks.js'

const ok: HostCheckResult = {id: 'a', ok: true, message: 'tool found', fix: []}
const failed: HostCheckResult = {id: 'b', ok: false, message: 'the IOMMU is off', fix: ['enable VT-d', 'reboot']}
const warned: HostCheckResult = {id: 'c', ok: false, severity: 'warning', message: 'device absent', fix: ['remove it']}
const skipped: HostCheckResult = {id: 'd', ok: true, status: 'skip', message: 'no GPU: nothing to pass through', fix: []}
const detailed: HostCheckResult = {id: 'e', ok: true, message: '1 GPU found', fix: [], detail: ['0000:01:00.0 NVIDIA: IOMMU group 13']}

void describe('check results: one model, one renderer', () => {
  void it('derives the status from ok and severity unless a plugin gives one', () => {
    assert.deepEqual([ok, failed, warned, skipped].map(checkStatus), ['ok', 'fail', 'warn', 'skip'])
    assert.equal(checkStatus({...failed, status: 'warn'}), 'warn')
  })

  void it('prints a mark per status, the detail and the fix steps under their check, then the counts', () => {
    assert.equal(renderChecks([ok, failed, warned, skipped, detailed]), [
      '✓ tool found',
      '✗ the IOMMU is off',
      '    fix: enable VT-d',
      '         reboot',
      '! device absent',
      '    fix: remove it',
      '- no GPU: nothing to pass through',
      '✓ 1 GPU found',
      '    0000:01:00.0 NVIDIA: IOMMU group 13',
      '5 checks: 1 failed, 1 warning, 2 passed, 1 skipped.',
    ].join('\n'))
  })

  void it('says "All N checks passed." only when every check passed', () => {
    assert.equal(summaryLine({total: 2, passed: 2, warnings: 0, failed: 0, skipped: 0}), 'All 2 checks passed.')
    assert.equal(renderChecks([ok, warned]).split('\n').at(-1), '2 checks: 1 warning, 1 passed (nothing blocks, see the warnings).')
    assert.equal(renderChecks([ok, skipped]).split('\n').at(-1), '2 checks: 1 passed, 1 skipped (no problem found).')
    assert.equal(renderChecks([failed, failed]).split('\n').at(-1), '2 checks: 2 failed, 0 passed.')
    assert.equal(renderChecks([]).split('\n').at(-1), '0 checks: 0 passed (no problem found).')
  })

  void it('JSON: ok is false exactly when a check failed; each check with its status, fix and detail', () => {
    assert.deepEqual(checksJson([ok, warned, skipped]), {
      ok: true,
      summary: {total: 3, passed: 1, warnings: 1, failed: 0, skipped: 1},
      checks: [
        {id: 'a', status: 'ok', message: 'tool found', fix: [], detail: []},
        {id: 'c', status: 'warn', message: 'device absent', fix: ['remove it'], detail: []},
        {id: 'd', status: 'skip', message: 'no GPU: nothing to pass through', fix: [], detail: []},
      ],
    })
    assert.equal(checksJson([ok, failed]).ok, false)
    assert.equal(anyCheckFailed([ok, warned, skipped]), false)
    assert.equal(anyCheckFailed([ok, failed]), true)
  })
})
