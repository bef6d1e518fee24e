/**
 * YAML form of an inventory, valid for `ansible-inventory`: `all.hosts` carries every host with
 * its vars once, groups sit under `all.children` as mappings (`hosts: {name: null}`, `children:
 * {group: null}`), and no YAML anchors are emitted.
 */
import {stringify} from 'yaml'
import type {Inventory, InventoryValue} from './model.js'
import {checkInventory} from './model.js'

interface YamlGroup {
  hosts?: Record<string, null>
  children?: Record<string, null>
  vars?: Record<string, InventoryValue>
}

function nulls(names: string[]): Record<string, null> {
  return Object.fromEntries([...names].sort().map((n) => [n, null]))
}

export function toYaml(inv: Inventory): string {
  checkInventory(inv)
  const hosts: Record<string, Record<string, InventoryValue>> = {}
  for (const h of [...inv.hosts].sort((a, b) => a.name.localeCompare(b.name))) hosts[h.name] = h.vars
  const children: Record<string, YamlGroup> = {}
  for (const g of [...inv.groups].sort((a, b) => a.name.localeCompare(b.name))) {
    const group: YamlGroup = {}
    if (g.hosts.length > 0) group.hosts = nulls(g.hosts)
    if (g.children.length > 0) group.children = nulls(g.children)
    if (Object.keys(g.vars).length > 0) group.vars = g.vars
    children[g.name] = group
  }
  // Ansible reads YAML 1.1: emit 1.1 so that strings like 24:00:00 or yes are quoted, not read as numbers or booleans.
  return stringify({all: {hosts, children}}, {version: '1.1', aliasDuplicateObjects: false, lineWidth: 0})
}
