/**
 * The munge key of an hpc cluster: generated once per cluster by ai-how (1024 random bytes from
 * node:crypto, written as hex text, which munged accepts as key material), 0600, next to the
 * cluster's SSH keys in `<output>/keys/<cluster>/munge.key`. The deploy playbook copies it to every
 * node; destroy removes it. A start that fails removes a key it wrote (the undo).
 */
import {randomBytes} from 'node:crypto'
import {chmod, rm, stat} from 'node:fs/promises'
import path from 'node:path'
import type {Undo} from '@ai-how/core'
import {clusterKeyPath} from '../ssh/keypair.js'
import {writeFileWithUndo} from '../vm/file-undo.js'

export function mungeKeyPath(outputDir: string, cluster: string): string {
  return path.join(path.dirname(clusterKeyPath(outputDir, cluster)), 'munge.key')
}

/** Writes a new key when there is none (the undo removes it); an existing key is kept (and made 0600). */
export async function ensureMungeKey(outputDir: string, cluster: string): Promise<{file: string; created: boolean; undo?: Undo}> {
  const file = mungeKeyPath(outputDir, cluster)
  const present = await stat(file).then(
    () => true,
    () => false,
  )
  if (present) {
    await chmod(file, 0o600)
    return {file, created: false}
  }
  const undo = await writeFileWithUndo(file, `${randomBytes(1024).toString('hex')}\n`, {title: `munge key ${file}`, mode: 0o600})
  return {file, created: true, undo}
}

/** Removes the cluster's munge key; true when there was one. */
export async function removeMungeKey(outputDir: string, cluster: string): Promise<boolean> {
  const file = mungeKeyPath(outputDir, cluster)
  const present = await stat(file).then(
    () => true,
    () => false,
  )
  await rm(file, {force: true})
  return present
}
