/**
 * INI form of an inventory, in the reference's layout: `[all]` with one line per host (vars sorted),
 * then every group sorted by name with its hosts, `:children` and `:vars`. Values that are lists or
 * maps become compact JSON.
 */
import type {Inventory, InventoryValue} from './model.js'
import {checkInventory} from './model.js'
import {assertNoControlCharacters} from './control.js'

/**
 * Host lines are split by Ansible with POSIX shlex, so a value with spaces or quotes is quoted;
 * `[group:vars]` lines take the rest of the line as the value, so they are never quoted.
 */
function scalar(value: InventoryValue, quote: boolean): string {
  if (value === null) return quote ? "''" : ''
  // Ansible evaluates INI values as Python literals: True/False stay booleans, true/false would be strings.
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'number') return String(value)
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  if (!quote) return text
  if (text === '') return "''"
  if (!/[\s'"#;\\]/.test(text)) return text
  if (!text.includes("'")) return `'${text}'`
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}

function varPairs(vars: Record<string, InventoryValue>, quote: boolean): string[] {
  return Object.keys(vars)
    .sort()
    .map((k) => `${k}=${scalar(vars[k] ?? null, quote)}`)
}

/** Throws INVENTORY_UNSAFE_VALUE when a name or value holds a control character (see control.ts). */
export function toIni(inv: Inventory): string {
  assertNoControlCharacters(inv)
  checkInventory(inv)
  const sections: string[] = []
  const hostLines = [...inv.hosts].sort((a, b) => a.name.localeCompare(b.name)).map((h) => [h.name, ...varPairs(h.vars, true)].join(' '))
  sections.push(['[all]', ...hostLines].join('\n'))
  for (const g of [...inv.groups].sort((a, b) => a.name.localeCompare(b.name))) {
    sections.push([`[${g.name}]`, ...[...g.hosts].sort()].join('\n'))
    if (g.children.length > 0) sections.push([`[${g.name}:children]`, ...[...g.children].sort()].join('\n'))
    const vars = varPairs(g.vars, false)
    if (vars.length > 0) sections.push([`[${g.name}:vars]`, ...vars].join('\n'))
  }
  return `${sections.join('\n\n')}\n`
}
