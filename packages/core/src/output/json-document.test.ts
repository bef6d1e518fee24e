import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {ConfigError, UsageError} from '../errors.js'
import {dataMap, documentText, errorDocument, foreignDocument, isCamelCase, isForeignDocument, jsonDocument, snakeCaseKey, snakeCaseKeys} from './json-document.js'

void describe('snake_case keys', () => {
  void it('renames camelCase identifiers, acronyms included, and keeps every other key', () => {
    assert.equal(snakeCaseKey('exitCode'), 'exit_code')
    assert.equal(snakeCaseKey('libvirtUri'), 'libvirt_uri')
    assert.equal(snakeCaseKey('subsystemVendorId'), 'subsystem_vendor_id')
    assert.equal(snakeCaseKey('showXML'), 'show_xml')
    assert.equal(snakeCaseKey('ipv4Address'), 'ipv4_address')
    for (const kept of ['state_file', 'hpc-compute-01', '0000:01:00.0', 'ok', 'URL', '$schema', 'Node']) assert.equal(snakeCaseKey(kept), kept)
    assert.equal(isCamelCase('exitCode'), true)
    assert.equal(isCamelCase('exit_code'), false)
  })

  void it('walks arrays and nested objects, drops undefined like JSON does, and keeps the keys of data maps', () => {
    const nodes = dataMap({gpuNode: {vmName: 'a'}, 'compute-01': {vmName: 'b'}})
    assert.deepEqual(snakeCaseKeys({heldBy: null, groupMembers: [{vendorId: '10de'}], skipped: undefined, nodes}), {
      held_by: null,
      group_members: [{vendor_id: '10de'}],
      nodes: {gpuNode: {vm_name: 'a'}, 'compute-01': {vm_name: 'b'}},
    })
    assert.deepEqual(snakeCaseKeys({since: new Date('2025-01-02T03:04:05.000Z')}), {since: '2025-01-02T03:04:05.000Z'})
  })
})

void describe('documents', () => {
  void it('puts format_version first and renames the data keys', () => {
    const doc = jsonDocument({libvirtUri: 'test:///default', items: [{object: 'pool'}]})
    assert.deepEqual(Object.keys(doc), ['format_version', 'libvirt_uri', 'items'])
    assert.equal(doc.format_version, 1)
    assert.equal(documentText(doc), `${JSON.stringify(doc, null, 2)}\n`)
  })

  void it('refuses a bare list: every document is an object that names its list', () => {
    assert.throws(() => jsonDocument([1, 2]), /name the list/)
  })

  void it('marks documents of another format (the rendered config, a JSON Schema)', () => {
    const schema = foreignDocument({$schema: 'x', properties: {}})
    assert.equal(isForeignDocument(schema), true)
    assert.deepEqual(Object.keys(schema), ['$schema', 'properties'], 'the mark is not a key')
    assert.equal(isForeignDocument({a: 1}), false)
  })

  void it('shapes an ai-how error: format_version, name, code, message, exit_code, actions, then details in snake_case', () => {
    const usage = errorDocument(new UsageError('bad flag', {code: 'UNKNOWN_FLAG', actions: ['See the usage']}))
    assert.deepEqual(usage, {format_version: 1, name: 'UsageError', code: 'UNKNOWN_FLAG', message: 'bad flag', exit_code: 2, actions: ['See the usage']})
    const config = errorDocument(new ConfigError('invalid', {code: 'CONFIG_INVALID', details: {lockFile: '/x', issues: [{line: 1}]}}))
    assert.deepEqual(Object.keys(config), ['format_version', 'name', 'code', 'message', 'exit_code', 'actions', 'details'])
    assert.deepEqual(config.details, {lock_file: '/x', issues: [{line: 1}]})
  })

  void it('shapes any other error as an internal failure, exit 1', () => {
    const doc = errorDocument(new TypeError('boom'))
    assert.deepEqual({...doc, actions: doc.actions.length}, {format_version: 1, name: 'TypeError', code: 'INTERNAL', message: 'boom', exit_code: 1, actions: 1})
  })
})
