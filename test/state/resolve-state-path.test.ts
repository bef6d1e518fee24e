import assert from 'node:assert/strict'
import path from 'node:path'
import {afterEach, beforeEach, describe, it} from 'node:test'
import {resolveStatePath} from '../../packages/core/src/state/index.js'

void describe('resolveStatePath', () => {
  let saved: string | undefined
  beforeEach(() => {
    saved = process.env.AI_HOW_STATE
    delete process.env.AI_HOW_STATE
  })
  afterEach(() => {
    if (saved === undefined) delete process.env.AI_HOW_STATE
    else process.env.AI_HOW_STATE = saved
  })

  void it('uses the flag first, then $AI_HOW_STATE, then output/state.json, always absolute', () => {
    const cwd = path.resolve('/srv/project')
    assert.equal(resolveStatePath(undefined, cwd), path.join(cwd, 'output', 'state.json'))
    process.env.AI_HOW_STATE = 'env/state.json'
    assert.equal(resolveStatePath(undefined, cwd), path.join(cwd, 'env', 'state.json'))
    assert.equal(resolveStatePath('flag.json', cwd), path.join(cwd, 'flag.json'))
    assert.equal(resolveStatePath('/abs/s.json', cwd), path.resolve('/abs/s.json'))
    assert.equal(resolveStatePath('', cwd), path.join(cwd, 'env', 'state.json'), 'an empty flag counts as unset')
  })

  void it('resolves against the current folder by default', () => {
    assert.equal(resolveStatePath('s.json'), path.join(process.cwd(), 's.json'))
  })
})
