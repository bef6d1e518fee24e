/**
 * Read access to a host's sysfs/procfs under a root folder ('/' on a real host, a fixture tree in
 * tests). Missing files are answers (undefined / empty), not errors: absent is what sysfs says about
 * a device that is not there or a feature that is off.
 */
import {readFile, readdir, readlink, stat} from 'node:fs/promises'
import path from 'node:path'

export const SYSFS_ROOT_ENV = 'AI_HOW_SYSFS_ROOT'

/** The root to read: an explicit value, else $AI_HOW_SYSFS_ROOT, else '/'. Always absolute. */
export function resolveHostRoot(explicit?: string): string {
  const chosen = explicit ?? process.env[SYSFS_ROOT_ENV]
  return path.resolve(chosen === undefined || chosen.trim() === '' ? '/' : chosen)
}

export class HostFs {
  readonly root: string

  constructor(root: string) {
    this.root = path.resolve(root)
  }

  /** The absolute path of a host path (given as if from '/') under the root. */
  resolve(hostPath: string): string {
    return path.join(this.root, hostPath)
  }

  /** The text of a file, or undefined when it does not exist or cannot be read. */
  async readText(hostPath: string): Promise<string | undefined> {
    try {
      return await readFile(this.resolve(hostPath), 'utf8')
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  /** The last component of a symlink's target (e.g. the driver name), or undefined when it is no link. */
  async linkName(hostPath: string): Promise<string | undefined> {
    try {
      return path.basename(await readlink(this.resolve(hostPath)))
    } catch (error) {
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'EINVAL') return undefined
      throw error
    }
  }

  /** The entries of a folder, sorted; empty when the folder does not exist. */
  async list(hostPath: string): Promise<string[]> {
    try {
      return (await readdir(this.resolve(hostPath))).sort()
    } catch (error) {
      if (isMissing(error)) return []
      throw error
    }
  }

  async exists(hostPath: string): Promise<boolean> {
    try {
      await stat(this.resolve(hostPath))
      return true
    } catch (error) {
      if (isMissing(error)) return false
      throw error
    }
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'ENOENT' || code === 'ENOTDIR'
}
