/** A kind-neutral Ansible inventory: hosts with vars, and groups with hosts, children and vars. */

export type InventoryValue = string | number | boolean | null | InventoryValue[] | {[key: string]: InventoryValue}

export interface InventoryHost {
  name: string
  vars: Record<string, InventoryValue>
}

export interface InventoryGroup {
  name: string
  hosts: string[]
  children: string[]
  vars: Record<string, InventoryValue>
}

export interface Inventory {
  hosts: InventoryHost[]
  groups: InventoryGroup[]
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/

/** Checks names and references so that both formats stay valid for ansible-inventory. */
export function checkInventory(inv: Inventory): void {
  const hosts = new Set(inv.hosts.map((h) => h.name))
  const groups = new Set(inv.groups.map((g) => g.name))
  for (const name of [...hosts, ...groups]) {
    if (!NAME.test(name)) throw new Error(`invalid inventory name ${JSON.stringify(name)}`)
  }
  for (const g of inv.groups) {
    for (const h of g.hosts) if (!hosts.has(h)) throw new Error(`group ${g.name} lists unknown host ${h}`)
    for (const c of g.children) if (!groups.has(c)) throw new Error(`group ${g.name} lists unknown child group ${c}`)
  }
}
