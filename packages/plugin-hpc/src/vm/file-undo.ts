/**
 * A generated file of a start run (an inventory, a kubeconfig): written (its folder created), with
 * the undo that puts the previous content back, or removes the file when there was none.
 */
import {chmod, mkdir, readFile, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'
import type {Undo} from '@ai-how/core'

async function readOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8')
  } catch {
    return undefined
  }
}

export interface FileWriteOptions {
  /** Shown while undoing, e.g. 'inventory /out/lab/inventory.ini'. */
  title: string
  /** File mode (also applied to a file that existed); its new folder gets 0700 when set. */
  mode?: number
}

export async function writeFileWithUndo(file: string, text: string, options: FileWriteOptions): Promise<Undo> {
  const before = await readOrUndefined(file)
  const mode = options.mode
  await mkdir(path.dirname(file), {recursive: true, ...(mode === undefined ? {} : {mode: 0o700})})
  await writeFile(file, text, mode === undefined ? {} : {mode})
  if (mode !== undefined) await chmod(file, mode)
  return {title: options.title, run: async () => (before === undefined ? rm(file, {force: true}) : writeFile(file, before, mode === undefined ? {} : {mode}))}
}
