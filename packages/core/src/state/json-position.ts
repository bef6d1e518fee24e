/**
 * Where a JSON text first goes wrong, as an offset and as line/column. V8 names the position for
 * most syntax errors but not all (e.g. `Unexpected token '}', ... is not valid JSON`); a small
 * scanner finds it then.
 */

export interface TextPosition {
  offset: number
  line: number
  column: number
}

/** The position of the first JSON syntax error in `text` (from V8's message when it names one). */
export function jsonErrorPosition(text: string, parseMessage: string): TextPosition {
  const fromV8 = /at position (\d+)/.exec(parseMessage)?.[1]
  const offset = fromV8 === undefined ? scanJsonErrorOffset(text) : Number(fromV8)
  return positionAt(text, offset)
}

export function positionAt(text: string, offset: number): TextPosition {
  const before = text.slice(0, offset)
  const lines = before.split('\n')
  const last = lines[lines.length - 1] ?? ''
  return {offset, line: lines.length, column: last.length + 1}
}

class SyntaxAt extends Error {
  constructor(readonly offset: number) {
    super(`JSON syntax error at offset ${offset}`)
  }
}

/** Offset of the first syntax error in `text`; `text.length` when the text is valid JSON. */
export function scanJsonErrorOffset(text: string): number {
  let i = 0
  const at = (): string => text.charAt(i)
  const fail = (): never => {
    throw new SyntaxAt(i)
  }
  const skip = (): void => {
    while (' \t\n\r'.includes(at()) && i < text.length) i++
  }
  const expect = (ch: string): void => {
    if (at() !== ch) fail()
    i++
  }
  const digits = (): void => {
    if (!/[0-9]/.test(at())) fail()
    while (/[0-9]/.test(at())) i++
  }
  const string = (): void => {
    expect('"')
    for (;;) {
      if (i >= text.length || text.charCodeAt(i) < 0x20) fail()
      const c = at()
      i++
      if (c === '"') return
      if (c !== '\\') continue
      const e = at()
      if (e !== '' && '"\\/bfnrt'.includes(e)) i++
      else if (e === 'u') {
        i++
        for (let k = 0; k < 4; k++) {
          if (!/[0-9a-fA-F]/.test(at())) fail()
          i++
        }
      } else fail()
    }
  }
  const number = (): void => {
    if (at() === '-') i++
    if (at() === '0') i++
    else digits()
    if (at() === '.') {
      i++
      digits()
    }
    if (at() === 'e' || at() === 'E') {
      i++
      if (at() === '+' || at() === '-') i++
      digits()
    }
  }
  const list = (close: string, item: () => void): void => {
    i++
    skip()
    if (at() === close) {
      i++
      return
    }
    for (;;) {
      item()
      skip()
      if (at() !== ',') break
      i++
    }
    expect(close)
  }
  const member = (): void => {
    skip()
    string()
    skip()
    expect(':')
    value()
  }
  const value = (): void => {
    skip()
    const c = at()
    if (c === '{') list('}', member)
    else if (c === '[') list(']', value)
    else if (c === '"') string()
    else if (c === 't' || c === 'f' || c === 'n') for (const ch of c === 't' ? 'true' : c === 'f' ? 'false' : 'null') expect(ch)
    else if (c === '-' || /[0-9]/.test(c)) number()
    else fail()
  }
  try {
    value()
    skip()
    if (i < text.length) fail()
    return text.length
  } catch (error) {
    if (error instanceof SyntaxAt) return error.offset
    throw error
  }
}
