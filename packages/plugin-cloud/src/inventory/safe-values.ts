/**
 * Values that go into an Ansible inventory must survive three readers: the inventory parser
 * (Python's str.splitlines() ends an INI line at any line break, U+0085 and U+2028 included),
 * Jinja (Ansible templates every variable) and, for SSH options, ssh's own option parser.
 * What none of them can carry is refused here with an error that names the value.
 */
import {AiHowError, EXIT_USAGE} from '@ai-how/core'
import type {InventoryValue} from '@ai-how/core'

/** C0 controls, DEL, C1 controls and the Unicode line/paragraph separators. */
function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029
}

function codePoint(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
}

/** Why `text` cannot go into an inventory, or undefined when it can. */
export function unsafeReason(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (isControl(code)) return `a control character (${codePoint(code)}) at position ${i + 1}`
  }
  const jinja = /\{\{|\{%|\{#/.exec(text)
  if (jinja) return `the Jinja delimiter ${jinja[0]} (Ansible would template it)`
  return undefined
}

export function unsafeValueError(what: string, value: string, reason: string, actions: readonly string[]): AiHowError {
  return new AiHowError(`${what} ${JSON.stringify(value)} contains ${reason}: it cannot go into an Ansible inventory.`, {
    code: 'INVENTORY_UNSAFE_VALUE',
    exitCode: EXIT_USAGE,
    actions,
  })
}

/** Throws when `value` (a string, or any string inside a list or map) cannot go into an inventory. */
export function assertInventoryValue(what: string, value: InventoryValue, actions: readonly string[]): void {
  if (typeof value === 'string') {
    const reason = unsafeReason(value)
    if (reason !== undefined) throw unsafeValueError(what, value, reason, actions)
    return
  }
  if (value === null || typeof value !== 'object') return
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      assertInventoryValue(`${what}[${i}]`, item, actions)
    })
    return
  }
  for (const [key, item] of Object.entries(value)) {
    assertInventoryValue(`${what} key`, key, actions)
    assertInventoryValue(`${what}.${key}`, item, actions)
  }
}
