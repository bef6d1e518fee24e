/** Finds executables on PATH without a shell. */
import {constants} from 'node:fs'
import {access} from 'node:fs/promises'
import path from 'node:path'

export async function findOnPath(name: string, envPath = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name)
    try {
      await access(candidate, constants.X_OK)
      return candidate
    } catch {
      // not in this folder
    }
  }
  return undefined
}
