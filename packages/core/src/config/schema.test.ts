import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {Ajv2020} from 'ajv/dist/2020.js'
import {parse} from 'yaml'
import {KINDS, twoClusters} from './fixtures/kinds.test.js'
import {buildConfigSchema, kindSchemaId} from './schema.js'
import {formatIssues} from './format.js'

void describe('buildConfigSchema', () => {
  void it('puts each kind\'s fragment under clusters.<key>, as its own resource', () => {
    const schema = buildConfigSchema(KINDS)
    const clusters = (schema.properties as Record<string, {properties: Record<string, {$id: string; description: string}>; additionalProperties: boolean}>).clusters
    assert.deepEqual(Object.keys(clusters?.properties ?? {}), ['alpha', 'beta', 'gamma'])
    assert.equal(clusters?.properties.alpha?.$id, kindSchemaId('alpha'))
    assert.equal(clusters.properties.alpha.description, 'fixture kind alpha')
    assert.equal(clusters.additionalProperties, false)
  })

  void it('is plain JSON that a generic draft 2020-12 validator (an editor) can use', () => {
    const schema = JSON.parse(JSON.stringify(buildConfigSchema(KINDS))) as Record<string, unknown>
    const validate = new Ajv2020({strict: false}).compile(schema)
    assert.equal(validate(parse(twoClusters().join('\n'))), true, JSON.stringify(validate.errors))
    assert.equal(validate(parse(twoClusters().join('\n').replace('memory_gb: 8', 'memory_gb: eight'))), false)
  })
})

void describe('formatIssues', () => {
  void it('prints file:line:col, severity, path, message, the fix, and a count line', () => {
    const text = formatIssues([
      {severity: 'error', code: 'x', file: 'c.yaml', line: 3, column: 5, path: 'a.b', message: 'bad', fix: 'do this'},
      {severity: 'warning', code: 'y', file: 'c.yaml', line: 9, column: 1, path: 'c', message: 'hm', fix: 'maybe'},
    ])
    assert.equal(text, 'c.yaml:3:5  error  a.b  bad\n    fix: do this\nc.yaml:9:1  warning  c  hm\n    fix: maybe\n1 error, 1 warning')
  })
})
