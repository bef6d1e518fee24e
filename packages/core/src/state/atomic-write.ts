/**
 * Atomic replacement of a file: a unique temp file in the same folder is written and fsynced, then
 * renamed over the target, then the folder is fsynced. A reader sees the old bytes or the new ones,
 * never a mix; a crash leaves at most an orphan temp file, which `removeOrphanTemps` clears.
 */
import {mkdir, open, readdir, rename, rm} from 'node:fs/promises'
import path from 'node:path'
import {isPidAlive} from './lock-info.js'
import {tempOwnerPid, tempPathOf} from './paths.js'

export interface AtomicWriteOptions {
  /** File mode of the result (default 0o600). */
  mode?: number
  /** Test seam: runs once the temp file is durable, just before the rename. */
  beforeRename?: (tempFile: string) => void | Promise<void>
}

export async function writeFileAtomic(file: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o600
  const dir = path.dirname(file)
  await mkdir(dir, {recursive: true})
  const temp = tempPathOf(file)
  try {
    const handle = await open(temp, 'wx', mode)
    try {
      await handle.chmod(mode)
      await handle.writeFile(data, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    await options.beforeRename?.(temp)
    await rename(temp, file)
  } catch (error) {
    await rm(temp, {force: true})
    throw error
  }
  await fsyncDir(dir)
}

/** Makes a rename durable; platforms that cannot fsync a folder are skipped silently. */
async function fsyncDir(dir: string): Promise<void> {
  let handle
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch (error) {
    if (!isUnsupported(error)) throw error
  } finally {
    await handle?.close()
  }
}

function isUnsupported(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code === 'EISDIR' || code === 'EINVAL' || code === 'EPERM' || code === 'ENOTSUP'
}

/** Removes temp files of `file` left by writers that died (their pid is gone). Returns the removed paths. */
export async function removeOrphanTemps(file: string): Promise<string[]> {
  const dir = path.dirname(file)
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return []
  }
  const removed: string[] = []
  for (const name of names) {
    const pid = tempOwnerPid(file, name)
    if (pid === undefined || isPidAlive(pid)) continue
    const orphan = path.join(dir, name)
    await rm(orphan, {force: true})
    removed.push(orphan)
  }
  return removed
}
