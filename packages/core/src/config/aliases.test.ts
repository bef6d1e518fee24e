import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {LineCounter, parseDocument} from 'yaml'
import {MAX_ALIAS_VALUES, aliasExpansionIssue} from './aliases.js'

function check(text: string): string | undefined {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {lineCounter, merge: true})
  assert.deepEqual(doc.errors, [])
  const issue = aliasExpansionIssue(doc, lineCounter, 'c.yaml')
  return issue === undefined ? undefined : `${issue.line}:${issue.column} ${issue.code} ${issue.message}`
}

/** Anchors a, b, c, ...: each a list of `width` aliases of the one before it (a "billion laughs" file). */
function laughs(levels: number, width: number): string {
  const names = 'abcdefghijklmnop'
  const lines = [`a: &a [${Array(width).fill('"lol"').join(', ')}]`]
  for (let i = 1; i < levels; i++) lines.push(`${names[i]}: &${names[i]} [${Array(width).fill(`*${names[i - 1]}`).join(', ')}]`)
  return `${lines.join('\n')}\n`
}

void describe('alias expansion limit', () => {
  void it('refuses a billion laughs at the alias where the expansion passes the limit, without expanding it', () => {
    // Expanded, the ten levels would be 10^10 values. a: 10 values (11 with the list); b: 10 x *a; ...;
    // on line 5 the 8th *d (11111 values each) passes 100000: 12330 + 8 x 11111.
    assert.equal(check(laughs(10, 10)), `5:36 yaml.alias-bomb aliases expand the document beyond ${MAX_ALIAS_VALUES} values: with *d here they reach 101218 values`)
  })

  void it('takes what stays below the limit, merges included', () => {
    assert.equal(check(laughs(4, 10)), undefined)
    const merges = ['base: &node {cpu: 2, mem: 4, disk: 20}', 'nodes:', ...Array.from({length: 200}, (_, i) => `  - {<<: *node, ip: 10.0.0.${i}}`)].join('\n')
    assert.equal(check(merges), undefined)
  })

  void it('refuses an anchor whose value contains its own alias', () => {
    assert.equal(check('a: &loop [1, *loop]\n'), '1:14 yaml.alias-bomb aliases expand the document beyond 100000 values: with *loop here they refer to themselves (endless)')
  })

  void it('resolves an alias to the last anchor of that name before it', () => {
    const text = `big: &x [${Array(60_000).fill('1').join(',')}]\nsmall: &x [1]\nuses: [${Array(1000).fill('*x').join(',')}]\n`
    assert.equal(check(text), undefined)
  })
})
