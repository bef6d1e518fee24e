/** Small file primitives of the lock: exclusive creation (O_EXCL) and reading content with its age. */
import {open, readFile, stat} from 'node:fs/promises'

/** Creates `file` with `content` only if it does not exist yet (`wx`); false when it already exists. */
export async function createExclusive(file: string, content: string): Promise<boolean> {
  let handle
  try {
    handle = await open(file, 'wx', 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    await handle.writeFile(content, 'utf8')
  } finally {
    await handle.close()
  }
  return true
}

export interface LockFileState {
  content: string
  mtimeMs: number
}

/** The content and modification time of a lock file, or undefined when it does not exist. */
export async function readLockFile(file: string): Promise<LockFileState | undefined> {
  try {
    const [content, info] = await Promise.all([readFile(file, 'utf8'), stat(file)])
    return {content, mtimeMs: info.mtimeMs}
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}
