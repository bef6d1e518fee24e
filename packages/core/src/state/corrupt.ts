/**
 * A corrupt state file is never overwritten nor silently replaced. A reader (`status`, `gpu list`)
 * only reports it (path and position) and leaves everything as it is; a writer (`update`, and any
 * start/stop/destroy through `withClusterLock`) also copies its bytes once to
 * `<state>.corrupt-<timestamp>` (an existing copy with the same bytes is reused) and the error says
 * where the copy is and how to recover. No message holds a byte of the file.
 */
import {readdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {StateError, hasCode, isAiHowError} from '../errors.js'
import {parseStateText} from './document.js'
import {corruptCopyPathOf, isCorruptCopyName} from './paths.js'
import {readStateBytes} from './safe-read.js'

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
    // Read like the state file itself: a link, fifo or device with a copy's name is skipped, not followed.
    const content = await readStateBytes(candidate).catch(() => undefined)
    if (content?.equals(bytes)) return candidate
  }
  return undefined
}

/** The STATE_CORRUPT error; `outcome` is what a writer did to keep the bytes (a reader keeps nothing). */
export function corruptStateError(file: string, problem: string, outcome?: CopyOutcome): StateError {
  const kept = outcome === undefined ? '' : 'copy' in outcome ? ` A copy of its bytes is in ${outcome.copy}.` : ` Its bytes could not be copied (${outcome.copyError}).`
  return new StateError(`State file ${file} is corrupt: ${problem}. ai-how will not read or overwrite it; the file is left untouched.${kept}`, {
    code: 'STATE_CORRUPT',
    exitCode: 1,
    details: {file, problem, ...outcome},
    actions: [
      `Restore ${file} from a backup or fix it by hand (it must be a JSON object with "version": 1 and "gpu_allocations": {}).`,
      `Or start over knowingly: move ${file} aside (e.g. \`mv ${file} ${file}.old\`); ai-how then forgets the clusters it recorded, and their VMs must be cleaned up by hand (virsh list --all).`,
    ],
  })
}

/**
 * For a writer that met `error`: when it is the STATE_CORRUPT of `file` without a copy, the file is
 * read again and, if still corrupt, its bytes are kept; the returned error names the copy. Any other
 * error (or a file that is readable again) is returned as it is.
 */
export async function withCorruptCopy(error: unknown, file: string): Promise<unknown> {
  if (!hasCode(error, 'STATE_CORRUPT') || !isAiHowError(error)) return error
  const details = error.details as {file?: unknown; copy?: unknown} | undefined
  if (details?.file !== path.resolve(file) || details.copy !== undefined) return error
  const bytes = await readStateBytes(details.file).catch(() => undefined)
  if (bytes === undefined) return error
  const parsed = parseStateText(bytes.toString('utf8'))
  if (parsed.ok) return error
  return corruptStateError(details.file, parsed.problem, await preserveCorruptBytes(details.file, bytes))
}
