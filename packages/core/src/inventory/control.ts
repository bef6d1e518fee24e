/**
 * The INI writer's last line of defence: Ansible's INI parser ends a line at any line break
 * (U+0085 and U+2028 included), so a control character in a host name, a group name or any value
 * would let the rest of it be read as a line of its own (a forged `[all:vars]` section, say).
 */
import {AiHowError, EXIT_USAGE} from '../errors.js'
import {describeControlCharacter, findControlCharacter, printable} from '../text/control-characters.js'
import type {Inventory, InventoryValue} from './model.js'

function refuse(what: string, text: string, index: number, code: number): AiHowError {
  return new AiHowError(`${what} ${printable(text)} contains ${describeControlCharacter(code)} at character ${index + 1}: it cannot go into an INI inventory, where it would start a new line.`, {
    code: 'INVENTORY_UNSAFE_VALUE',
    exitCode: EXIT_USAGE,
    actions: ['Remove the character from the config value it came from (`ai-how validate CONFIG` shows where), or from the state folder\'s path.'],
    details: {what, index},
  })
}

function checkText(what: string, text: string): void {
  const found = findControlCharacter(text)
  if (found !== undefined) throw refuse(what, text, found.index, found.code)
}

function checkValue(what: string, value: InventoryValue): void {
  if (typeof value === 'string') checkText(what, value)
  else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) checkValue(`${what}[${i}]`, item)
  }
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      checkText(`The key of ${what}`, key)
      checkValue(`${what}.${key}`, item)
    }
  }
}

function checkVars(owner: string, vars: Record<string, InventoryValue>): void {
  for (const [key, value] of Object.entries(vars)) {
    checkText(`The variable name of ${owner}`, key)
    checkValue(`${owner}: ${key}`, value)
  }
}

/** Throws INVENTORY_UNSAFE_VALUE (exit 2) at the first control character in a name or value. */
export function assertNoControlCharacters(inv: Inventory): void {
  for (const host of inv.hosts) {
    checkText('The host name', host.name)
    checkVars(`Host ${host.name}`, host.vars)
  }
  for (const group of inv.groups) {
    checkText('The group name', group.name)
    for (const name of [...group.hosts, ...group.children]) checkText(`A member of group ${group.name}`, name)
    checkVars(`Group ${group.name}`, group.vars)
  }
}
