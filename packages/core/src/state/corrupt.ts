/**
 * A corrupt state file is never overwritten nor silently replaced: its bytes are copied once to
 * `<state>.corrupt-<timestamp>` (an existing copy with the same bytes is reused) and the error says
 * where the copy is and how to recover.
 */
import {readdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {StateError} from '../errors.js'
import {corruptCopyPathOf, isCorruptCopyName} from './paths.js'

export type CopyOutcome = {copy: string} | {copyError: string}

/** Copies the corrupt bytes next to the state file, once per distinct content. */
export async function preserveCorruptBytes(file: string, bytes: Buffer): Promise<CopyOutcome> {
  try {
    const existing = await findCopyWithBytes(file, bytes)
    if (existing !== undefined) return {copy: existing}
    const copy = corruptCopyPathOf(file)
    await writeFile(copy, bytes, {flag: 'wx', mode: 0o600})
    return {copy}
  } catch (error) {
    return {copyError: error instanceof Error ? error.message : String(error)}
  }
}

async function findCopyWithBytes(file: string, bytes: Buffer): Promise<string | undefined> {
  const dir = path.dirname(file)
  const names = (await readdir(dir)).filter((name) => isCorruptCopyName(file, name)).sort()
  for (const name of names) {
    const candidate = path.join(dir, name)
    const content = await readFile(candidate).catch(() => undefined)
    if (content?.equals(bytes)) return candidate
  }
  return undefined
}

export function corruptStateError(file: string, problem: string, outcome: CopyOutcome): StateError {
  const kept = 'copy' in outcome ? `a copy of its bytes is in ${outcome.copy}` : `its bytes could not be copied (${outcome.copyError})`
  return new StateError(`State file ${file} is corrupt: ${problem}. ai-how will not read or overwrite it; the file is left untouched and ${kept}.`, {
    code: 'STATE_CORRUPT',
    exitCode: 1,
    details: {file, problem, ...outcome},
    actions: [
      `Restore ${file} from a backup or fix it by hand (it must be a JSON object with "version": 1 and "gpu_allocations": {}).`,
      `Or start over knowingly: move ${file} aside (e.g. \`mv ${file} ${file}.old\`); ai-how then forgets the clusters it recorded, and their VMs must be cleaned up by hand (virsh list --all).`,
    ],
  })
}
