/**
 * Control characters: what ends a line for one of ai-how's readers (Python's str.splitlines() in
 * Ansible's INI parser breaks at U+0085 and U+2028 too, the kernel command line, libvirt XML) and
 * what a terminal would act on. C0 (U+0000–U+001F, tab and line feed included), DEL and C1
 * (U+007F–U+009F), and the Unicode line and paragraph separators (U+2028, U+2029).
 */

const NAMES: Readonly<Record<number, string>> = {
  0x00: 'null',
  0x07: 'bell',
  0x08: 'backspace',
  0x09: 'tab',
  0x0a: 'line feed',
  0x0b: 'vertical tab',
  0x0c: 'form feed',
  0x0d: 'carriage return',
  0x1b: 'escape',
  0x7f: 'delete',
  0x85: 'next line',
  0x2028: 'line separator',
  0x2029: 'paragraph separator',
}

export function isControlCharacter(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029
}

/** `U+000A` */
export function codePoint(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
}

/** `U+000A (line feed)` */
export function describeControlCharacter(code: number): string {
  return `${codePoint(code)} (${NAMES[code] ?? 'control character'})`
}

export interface ControlCharacter {
  /** Index of the character in the string (UTF-16 code units; every control character is one). */
  index: number
  code: number
}

/** The first control character of `text`, or undefined when it has none. */
export function findControlCharacter(text: string): ControlCharacter | undefined {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (isControlCharacter(code)) return {index, code}
  }
  return undefined
}

/** U+FFFE, U+FFFF, or a UTF-16 surrogate that is not half of a pair: characters XML 1.0 cannot hold (libvirt refuses the document). */
function isXmlNonCharacter(text: string, index: number): boolean {
  const code = text.charCodeAt(index)
  if (code === 0xfffe || code === 0xffff) return true
  if (code >= 0xd800 && code <= 0xdbff) return !(text.charCodeAt(index + 1) >= 0xdc00 && text.charCodeAt(index + 1) <= 0xdfff)
  if (code >= 0xdc00 && code <= 0xdfff) return !(text.charCodeAt(index - 1) >= 0xd800 && text.charCodeAt(index - 1) <= 0xdbff)
  return false
}

/** The first character of `text` that XML 1.0 forbids and that is not a control character (U+FFFE, U+FFFF, an unpaired surrogate). */
export function findXmlNonCharacter(text: string): ControlCharacter | undefined {
  for (let index = 0; index < text.length; index++) {
    if (isXmlNonCharacter(text, index)) return {index, code: text.charCodeAt(index)}
  }
  return undefined
}

const SHORT_ESCAPES: Readonly<Record<number, string>> = {0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r'}

/** `text` quoted, its control characters, XML non-characters (and `"`, `\`) escaped: safe to print on one line. */
export function printable(text: string, max = 120): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text
  let out = ''
  for (const ch of cut) {
    const code = ch.charCodeAt(0)
    if (ch === '"' || ch === '\\') out += `\\${ch}`
    else if (isControlCharacter(code) || isXmlNonCharacter(ch, 0)) out += SHORT_ESCAPES[code] ?? `\\u${code.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return `"${out}"`
}
