import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {classify, describeReport, errorsOf} from './cloud-init-report.js'

// `cloud-init status --format json` of cloud-init 22.4.2 (Debian 12) after the locale module failed.
const STATUS_22_4 = `{
  "_schema_version": "1",
  "boot_status_code": "enabled-by-generator",
  "datasource": "nocloud",
  "detail": "('locale', ProcessExecutionError(\\"Unexpected error while running command.\\\\nCommand: ['update-locale', '--locale-file=/etc/default/locale', 'LANG=en_US.UTF-8']\\\\nExit code: 255\\\\nReason: -\\\\nStdout: \\\\nStderr: \\"))",
  "errors": [
    "('locale', ProcessExecutionError(\\"Unexpected error while running command.\\\\nCommand: ['update-locale', '--locale-file=/etc/default/locale', 'LANG=en_US.UTF-8']\\\\nExit code: 255\\\\nReason: -\\\\nStdout: \\\\nStderr: \\"))"
  ],
  "last_update": "Mon, 30 Nov 2026 16:02:11 +0000",
  "status": "error"
}`

// /run/cloud-init/result.json of every cloud-init version that writes it.
const RESULT_JSON = `{"v1": {"datasource": "DataSourceNoCloud [seed=/dev/sr0][dsmode=net]", "errors": [
  "('locale', ProcessExecutionError('Unexpected error while running command.'))",
  "('users-groups', KeyError('sudo'))",
  "('locale', ProcessExecutionError('again'))",
  "Unexpected error in stage modules-final:\\n  a traceback line"]}}`

void describe('cloud-init report', () => {
  void it('reads the errors of status --format json (22.4) and of result.json (v1.errors)', () => {
    assert.equal(errorsOf(STATUS_22_4)?.length, 1)
    assert.match(errorsOf(STATUS_22_4)?.[0] ?? '', /^\('locale', ProcessExecutionError/)
    assert.equal(errorsOf(RESULT_JSON)?.length, 4)
    assert.deepEqual(errorsOf('{"status": "done", "errors": []}'), [])
  })

  void it('gives undefined for what is not a report (an old cloud-init printing usage, an empty file, a JSON scalar)', () => {
    assert.equal(errorsOf('usage: /usr/bin/cloud-init status [-h] [-l] [-w]\ncloud-init status: error: unrecognized arguments: --format json'), undefined)
    assert.equal(errorsOf(''), undefined)
    assert.equal(errorsOf('42'), undefined)
    assert.equal(errorsOf('{"v1": {"datasource": null}}'), undefined)
  })

  void it('names each failed module once, in order, and keeps the other errors on one line', () => {
    const errors = errorsOf(RESULT_JSON) ?? []
    assert.deepEqual(classify(errors), {
      failedModules: ['locale', 'users-groups'],
      otherErrors: ['Unexpected error in stage modules-final: a traceback line'],
    })
    assert.equal(classify(['x'.repeat(500)]).otherErrors[0]?.length, 200)
  })

  void it('describes a report for a message', () => {
    assert.equal(describeReport({failedModules: ['locale'], otherErrors: [], source: '/run/cloud-init/result.json'}), 'module locale failed')
    assert.equal(describeReport({failedModules: ['locale', 'users-groups'], otherErrors: ['stage failed'], source: '/run/cloud-init/result.json'}),
      'modules locale, users-groups failed; stage failed')
    assert.equal(describeReport({failedModules: [], otherErrors: []}), 'it reported an error (its status could not be read)')
  })
})
