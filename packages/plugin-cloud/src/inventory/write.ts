/**
 * Writes a cloud cluster's Kubespray inventory: `<dir>/inventory.ini` (or `.yml`) and
 * `<dir>/group_vars/k8s_cluster.yml`, which Ansible loads for the hosts of k8s_cluster because it
 * sits next to the inventory file. Both files are replaced atomically with mode 0600; the undo puts
 * back what was there before (content and mode), or removes the files and the folders it created.
 */
import {randomBytes} from 'node:crypto'
import {chmod, mkdir, readFile, rename, rm, rmdir, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {toIni, toYaml} from '@ai-how/core'
import type {Inventory, InventoryValue, Undo} from '@ai-how/core'
import {CLUSTER_GROUP_VARS_FILE, renderGroupVars} from './group-vars.js'

export type InventoryFormat = 'ini' | 'yaml'

export interface WrittenCloudInventory {
  inventoryPath: string
  groupVarsPath: string
  undo: Undo
}

interface Previous {
  content: Buffer
  mode: number
}

export function cloudInventoryPaths(dir: string, format: InventoryFormat): {inventoryPath: string; groupVarsPath: string} {
  return {
    inventoryPath: path.join(dir, format === 'yaml' ? 'inventory.yml' : 'inventory.ini'),
    groupVarsPath: path.join(dir, 'group_vars', CLUSTER_GROUP_VARS_FILE),
  }
}

async function previous(file: string): Promise<Previous | undefined> {
  try {
    const [content, info] = await Promise.all([readFile(file), stat(file)])
    return {content, mode: info.mode & 0o7777}
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Writes through a temporary file in the same folder, renamed over `file` (never a half-written file). */
async function replaceFile(file: string, content: string | Buffer, mode: number): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(temp, content, {mode, flag: 'wx'})
    await chmod(temp, mode)
    await rename(temp, file)
  } catch (error) {
    await rm(temp, {force: true})
    throw error
  }
}

/** Removes the empty folders from `deepest` up to and including `top` (a folder holding something stays). */
async function removeCreatedDirs(deepest: string, top: string): Promise<void> {
  for (let dir = deepest; ; dir = path.dirname(dir)) {
    try {
      await rmdir(dir)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'ENOENT') return
    }
    if (dir === top || path.dirname(dir) === dir) return
  }
}

export async function writeCloudInventory(dir: string, inventory: Inventory, groupVars: Record<string, InventoryValue>, format: InventoryFormat = 'ini'): Promise<WrittenCloudInventory> {
  const {inventoryPath, groupVarsPath} = cloudInventoryPaths(path.resolve(dir), format)
  // Render first: a value that cannot go into an inventory throws before anything is touched.
  const files: [string, string][] = [
    [inventoryPath, format === 'yaml' ? toYaml(inventory) : toIni(inventory)],
    [groupVarsPath, renderGroupVars(groupVars)],
  ]
  const before = await Promise.all(files.map(([file]) => previous(file)))
  const groupVarsDir = path.dirname(groupVarsPath)
  const created = await mkdir(groupVarsDir, {recursive: true})
  const undo: Undo = {
    title: `inventory ${inventoryPath} and ${groupVarsPath}`,
    run: async () => {
      for (const [i, [file]] of files.entries()) {
        const old = before[i]
        if (old === undefined) await rm(file, {force: true})
        else await replaceFile(file, old.content, old.mode)
      }
      if (created !== undefined) await removeCreatedDirs(groupVarsDir, created)
    },
  }
  try {
    for (const [file, text] of files) await replaceFile(file, text, 0o600)
  } catch (error) {
    await undo.run().catch(() => undefined)
    throw error
  }
  return {inventoryPath, groupVarsPath, undo}
}
