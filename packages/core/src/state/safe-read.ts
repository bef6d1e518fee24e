/**
 * Reading the state file without trusting what is at its path: only a regular file is read. A
 * symbolic link (even a dangling one), a folder, a fifo, a socket or a device is refused by name
 * before anything is read from it (lstat first, so a device or a fifo is never even opened), and
 * the file is then opened with O_NOFOLLOW | O_NONBLOCK and checked again with fstat, so a link or a
 * fifo swapped in between the two is refused too (another regular file swapped in is the ordinary
 * atomic rename of a writer, and is read). No error carries a byte of the file.
 */
import {constants} from 'node:fs'
import type {Stats} from 'node:fs'
import {lstat, open} from 'node:fs/promises'
import type {FileHandle} from 'node:fs/promises'
import {StateError, isAiHowError} from '../errors.js'

/** A state file is a few KiB; anything this large is not one of ai-how's. */
export const MAX_STATE_BYTES = 64 * 1024 * 1024

const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK

/** The refusals thrown below, passed on as they are (not wrapped as STATE_IO). */
const REFUSALS: ReadonlySet<string> = new Set(['STATE_SYMLINK', 'STATE_NOT_A_FILE', 'STATE_TOO_LARGE'])

/** The bytes of the regular file at `file`, or undefined when nothing is there. */
export async function readStateBytes(file: string): Promise<Buffer | undefined> {
  let seen: Stats
  try {
    seen = await lstat(file)
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined
    throw stateIoError(`Cannot read state file ${file}`, error)
  }
  refuseUnlessRegular(file, seen)
  let handle: FileHandle
  try {
    handle = await open(file, READ_FLAGS)
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined
    if (errnoOf(error) === 'ELOOP') throw notRegularError(file, 'a symbolic link')
    throw stateIoError(`Cannot read state file ${file}`, error)
  }
  try {
    const opened = await handle.stat()
    refuseUnlessRegular(file, opened)
    if (opened.size > MAX_STATE_BYTES) throw tooLargeError(file, opened.size)
    return await handle.readFile()
  } catch (error) {
    if (isAiHowError(error) && REFUSALS.has(error.code)) throw error
    throw stateIoError(`Cannot read state file ${file}`, error)
  } finally {
    await handle.close()
  }
}

/** What is at a path, in words: 'a folder', 'a fifo', ...; undefined for a regular file. */
export function notRegularKind(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined
  if (stats.isSymbolicLink()) return 'a symbolic link'
  if (stats.isDirectory()) return 'a folder'
  if (stats.isFIFO()) return 'a fifo'
  if (stats.isSocket()) return 'a socket'
  if (stats.isCharacterDevice()) return 'a character device'
  if (stats.isBlockDevice()) return 'a block device'
  return 'not a regular file'
}

function refuseUnlessRegular(file: string, stats: Stats): void {
  const kind = notRegularKind(stats)
  if (kind !== undefined) throw notRegularError(file, kind)
}

function notRegularError(file: string, kind: string): StateError {
  const elsewhere = 'Or use another state file: --state FILE (or AI_HOW_STATE=FILE).'
  if (kind === 'a symbolic link') {
    return new StateError(`State file ${file} is a symbolic link: ai-how reads and writes its state only in a regular file, and neither follows the link nor reads what it points to.`, {
      code: 'STATE_SYMLINK',
      details: {file, type: 'symlink'},
      actions: [`Name the real file instead: --state "$(readlink -f '${file}')" (or AI_HOW_STATE), or replace the link by the file itself: cp --remove-destination "$(readlink -f '${file}')" '${file}'.`, elsewhere],
    })
  }
  return new StateError(`State file ${file} is ${kind}, not a regular file: ai-how does not read from it.`, {
    code: 'STATE_NOT_A_FILE',
    details: {file, type: kind.replace(/^an? /, '')},
    actions: [`Move it aside (mv '${file}' '${file}.old') so that ai-how starts a new state file there.`, elsewhere],
  })
}

function tooLargeError(file: string, size: number): StateError {
  return new StateError(`State file ${file} is ${size} bytes, more than a state file can be (${MAX_STATE_BYTES} bytes): it is not one of ai-how's; ai-how does not read it.`, {
    code: 'STATE_TOO_LARGE',
    details: {file, size, limit: MAX_STATE_BYTES},
    actions: [`Move it aside (mv '${file}' '${file}.old'), or use another state file: --state FILE (or AI_HOW_STATE=FILE).`],
  })
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

export function stateIoError(what: string, error: unknown): StateError {
  const reason = error instanceof Error ? error.message : String(error)
  return new StateError(`${what}: ${reason}`, {
    code: 'STATE_IO',
    cause: error,
    actions: ['Check that the state file and its folder exist and are readable and writable by you (and the disk is not full), or pick another state file with --state.'],
  })
}
