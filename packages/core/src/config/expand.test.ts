import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {LineCounter, parseDocument} from 'yaml'
import {expandDocument, expandString} from './expand.js'
import {createLocator} from './positions.js'

const vars = {HOME: '/home/u', EMPTY: '', N: '4'}

void describe('expandString', () => {
  void it('expands ${VAR}, $VAR and ${VAR:-default}', () => {
    assert.deepEqual(expandString('${HOME}/a:$HOME/b', vars), {value: '/home/u/a:/home/u/b', unset: [], invalid: []})
    assert.equal(expandString('${MISSING:-/opt/x}', vars).value, '/opt/x')
    assert.equal(expandString('${EMPTY:-fallback}', vars).value, 'fallback', 'an empty variable takes the default, as in bash')
    assert.equal(expandString('${HOME:-fallback}', vars).value, '/home/u')
    assert.equal(expandString('${A:-${B:-$N}}-x', vars).value, '4-x', 'defaults are expanded too')
  })

  void it('turns $$ into a literal $ and leaves a $ that starts no name alone', () => {
    assert.equal(expandString('price $$HOME', vars).value, 'price $HOME')
    assert.equal(expandString('cost $5 and $', vars).value, 'cost $5 and $')
  })

  void it('lists every unset variable once and expands it to an empty string', () => {
    assert.deepEqual(expandString('$A/${B}/$A/${C:-$D}', vars), {value: '///', unset: ['A', 'B', 'D'], invalid: []})
  })

  void it('reports expressions it does not support, and unclosed ones', () => {
    assert.deepEqual(expandString('${HOME:?msg} ${1} ${HOME', vars).invalid, ['${HOME:?msg}', '${1}', '${HOME'])
  })
})

void describe('expandDocument', () => {
  function expand(text: string, env: Record<string, string>): {yaml: string; data: unknown; issues: string[]} {
    const lineCounter = new LineCounter()
    const doc = parseDocument(text, {lineCounter})
    const result = expandDocument(doc, env, createLocator(doc, lineCounter, 'c.yaml'))
    return {yaml: doc.toString(), data: doc.toJS(), issues: result.issues.map((i) => `${i.line}:${i.column} ${i.path} ${i.code} ${i.message}`)}
  }

  void it('expands values always (even without ${), never keys, and keeps comments and quoting', () => {
    const out = expand('$HOME: $HOME # home\nq: "$HOME"\nlist: [$N, "$N"]\n', vars)
    assert.deepEqual(out.data, {$HOME: '/home/u', q: '/home/u', list: [4, '4']})
    assert.equal(out.yaml, '$HOME: /home/u # home\nq: "/home/u"\nlist: [ 4, "4" ]\n')
    assert.deepEqual(out.issues, [])
  })

  void it('reports each unset variable at its value, with the YAML path', () => {
    const out = expand('a:\n  - x: ok\n  - x: ${NOPE}/$ALSO\n', {})
    assert.deepEqual(out.issues, ['3:8 a[1].x var.unset variable NOPE is not set (used in "${NOPE}/$ALSO")', '3:8 a[1].x var.unset variable ALSO is not set (used in "${NOPE}/$ALSO")'])
  })

  void it('keeps a plain value that expands to a non-number a string, quoting it when it would read as another type', () => {
    const out = expand('a: ${V}\nb: ${W}\n', {V: 'true', W: 'x: y'})
    assert.deepEqual(out.data, {a: true, b: 'x: y'})
    assert.equal(out.yaml, 'a: true\nb: "x: y"\n')
  })
})
