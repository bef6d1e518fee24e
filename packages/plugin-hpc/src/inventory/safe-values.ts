/**
 * Values that go into an Ansible inventory (either kind) must survive three readers: the inventory
 * parser (Python's str.splitlines() ends an INI line at any line break, U+0085 and U+2028 included),
 * Jinja (Ansible templates every variable) and, for SSH options, ssh's own option parser.
 * What none of them can carry is refused here with an error that names the value.
 */
import {AiHowError, EXIT_USAGE, codePoint, findControlCharacter, printable} from '@ai-how/core'
import type {InventoryValue} from '@ai-how/core'

/** Why `text` cannot go into an inventory, or undefined when it can. */
export function unsafeReason(text: string): string | undefined {
  const control = findControlCharacter(text)
  if (control !== undefined) return `a control character (${codePoint(control.code)}) at position ${control.index + 1}`
  const jinja = /\{\{|\{%|\{#/.exec(text)
  if (jinja) return `the Jinja delimiter ${jinja[0]} (Ansible would template it)`
  return undefined
}

export function unsafeValueError(what: string, value: string, reason: string, actions: readonly string[]): AiHowError {
  return new AiHowError(`${what} ${printable(value)} contains ${reason}: it cannot go into an Ansible inventory.`, {
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

/** assertInventoryValue on every var of a host or group. */
export function assertInventoryVars(owner: string, vars: Record<string, InventoryValue>, actions: readonly string[] = []): void {
  for (const [key, value] of Object.entries(vars)) assertInventoryValue(`${owner}: ${key}`, value, actions)
}
