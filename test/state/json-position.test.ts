import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {jsonErrorPosition, scanJsonErrorOffset} from '../../packages/core/src/state/json-position.js'

function v8Message(text: string): string {
  try {
    JSON.parse(text)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error(`${text} is valid JSON`)
}

/** Texts for which V8 names the position. */
const WITH_POSITION = [
  '{"a":1,}',
  '{"a":1',
  '{"a" 1}',
  '[1 2]',
  '{"a":"\\x"}',
  '{"a":01}',
  '{"a":-}',
  '{"a":1.}',
  '{"a":1e}',
  '{"a":"b\nc"}',
  '{"a":1} x',
  '{"a":"\\u12G4"}',
]

/** Texts for which V8 (Node 20) names no position, with the offset of the offending character. */
const WITHOUT_POSITION: [string, number][] = [
  ['[1,2,]', '[1,2,]'.indexOf(']')],
  ['{"a":[1,{"b":nul}]}', '{"a":[1,{"b":nul}]}'.indexOf('}')],
  ['{\n  "a": {\n    "b": [1, 2,, 3]\n  }\n}', '{\n  "a": {\n    "b": [1, 2,, 3]\n  }\n}'.indexOf(',,') + 1],
]

void describe('position of a JSON syntax error', () => {
  void it('agrees with V8 wherever V8 names a position', () => {
    for (const text of WITH_POSITION) {
      const fromV8 = /at position (\d+)/.exec(v8Message(text))?.[1]
      assert.ok(fromV8 !== undefined, `V8 names no position for ${text}`)
      assert.equal(scanJsonErrorOffset(text), Number(fromV8), JSON.stringify(text))
    }
  })

  void it('points at the offending character where V8 names no position', () => {
    for (const [text, offset] of WITHOUT_POSITION) {
      assert.equal(jsonErrorPosition(text, v8Message(text)).offset, offset, JSON.stringify(text))
    }
  })

  void it('finds no error in valid JSON', () => {
    for (const text of ['{}', ' [1, -2.5e+3, "a\\"\\u00e9", true, false, null, {"x": []}] ', '"s"', '0']) {
      assert.equal(scanJsonErrorOffset(text), text.length, text)
    }
  })

  void it('gives line and column counted from 1', () => {
    const text = '{\n  "a": tru\n}'
    const offset = text.indexOf('tru') + 3
    assert.deepEqual(jsonErrorPosition(text, v8Message(text)), {offset, line: 2, column: offset - text.indexOf('\n')})
  })
})
