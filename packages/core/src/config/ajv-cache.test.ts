import assert from 'node:assert/strict'
import {chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import type {JsonSchema} from '../contracts/extensions.js'
import {cacheFile, loadCached} from './ajv-cache.js'
import {createValidator} from './ajv.js'

const schema: JsonSchema = {
  $id: 'urn:test:cache',
  type: 'object',
  properties: {
    file: {type: 'string', aiHowPath: true},
    files: {type: 'array', items: {type: 'string', aiHowPath: true}},
    ip: {type: 'string', format: 'ipv4'},
    host: {type: 'string', format: 'hostname', aiHowHint: 'a DNS name'},
  },
  additionalProperties: false,
}
const paths = {dir: '/cfg', home: '/home/u'}

void describe('the cache of the standalone config validator', () => {
  let dir: string
  const saved = {xdg: process.env.XDG_CACHE_HOME, own: process.env.AI_HOW_CACHE_DIR}
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ai-how-ajv-cache-'))
    process.env.XDG_CACHE_HOME = dir
    delete process.env.AI_HOW_CACHE_DIR
  })
  after(() => {
    if (saved.xdg === undefined) delete process.env.XDG_CACHE_HOME
    else process.env.XDG_CACHE_HOME = saved.xdg
    if (saved.own !== undefined) process.env.AI_HOW_CACHE_DIR = saved.own
    rmSync(dir, {recursive: true, force: true})
  })

  void it('writes the validator under $XDG_CACHE_HOME/ai-how, keyed by the schema', () => {
    const file = cacheFile(schema)
    assert.equal(path.dirname(file), path.join(dir, 'ai-how'))
    assert.notEqual(cacheFile({...schema, $id: 'urn:test:other'}), file)
    assert.equal(path.dirname(cacheFile(schema, {AI_HOW_CACHE_DIR: '/c', XDG_CACHE_HOME: dir})), '/c')
    createValidator(schema, paths)
    assert.ok(existsSync(file))
    assert.match(readFileSync(file, 'utf8'), /ai-how:path/)
  })

  void it('checks a config with the cached validator when there is one', () => {
    const file = cacheFile(schema)
    const real = readFileSync(file, 'utf8')
    writeFileSync(file, 'module.exports = function accepts() { return true }')
    try {
      assert.deepEqual(createValidator(schema, paths).validate({ip: 'nope'}), [])
    } finally {
      writeFileSync(file, real)
    }
  })

  void it('never runs a cached file that others can write, nor one reached through a link (it is code this process runs)', () => {
    const file = cacheFile(schema)
    const real = readFileSync(file, 'utf8')
    const accepts = 'module.exports = function accepts() { return true }'
    const elsewhere = path.join(dir, 'accepts.cjs')
    try {
      writeFileSync(file, accepts)
      chmodSync(file, 0o666)
      assert.equal(createValidator(schema, paths).validate({ip: 'nope'}).length, 1, 'a group/other-writable file is not used')
      rmSync(file)
      writeFileSync(elsewhere, accepts, {mode: 0o600})
      symlinkSync(elsewhere, file)
      assert.equal(loadCached(file, {}), undefined, 'a link is not followed')
      chmodSync(path.dirname(file), 0o777)
      rmSync(file)
      writeFileSync(file, accepts, {mode: 0o600})
      assert.equal(loadCached(file, {}), undefined, 'a folder others can write is not trusted')
    } finally {
      chmodSync(path.dirname(file), 0o700)
      rmSync(file, {force: true})
      writeFileSync(file, real, {mode: 0o600})
    }
  })

  void it('validates from the cache as the compiled validator does: paths resolved, formats checked, same errors', () => {
    assert.ok(existsSync(cacheFile(schema)), 'the first test wrote the cache')
    const data = {file: 'a.img', files: ['~/b', '/c', ''], ip: '10.0.0.1', host: 'node-1'}
    assert.deepEqual(createValidator(schema, paths).validate(data), [])
    assert.deepEqual(data, {file: '/cfg/a.img', files: ['/home/u/b', '/c', ''], ip: '10.0.0.1', host: 'node-1'})
    const bad = {file: 'x', ip: '10.0.0.256', host: '-'}
    const fromCache = createValidator(schema, paths).validate(structuredClone(bad))
    rmSync(cacheFile(schema))
    const compiled = createValidator(schema, paths).validate(structuredClone(bad))
    assert.deepEqual(fromCache, compiled)
    assert.deepEqual(fromCache.map((e) => e.instancePath), ['/ip', '/host'])
  })

  void it('falls back to compiling when the cached file does not load, and rewrites it', () => {
    const file = cacheFile(schema)
    writeFileSync(file, 'this is not javascript {')
    assert.equal(loadCached(file, {}), undefined)
    const data = {file: '~'}
    assert.deepEqual(createValidator(schema, paths).validate(data), [])
    assert.deepEqual(data, {file: '/home/u'})
    assert.match(readFileSync(file, 'utf8'), /ai-how:path/)
  })
})
