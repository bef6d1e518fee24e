/**
 * The one switch and the one comparison of every golden-file test in the repository.
 * Unset, a golden test compares the output with its file byte for byte; AI_HOW_UPDATE_GOLDEN=1
 * rewrites the files from the current output instead (review the diff before committing).
 * Any other value, or the retired UPDATE_GOLDEN, is refused, so a typo never passes for a check.
 */
import assert from 'node:assert/strict'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

export const UPDATE_SWITCH = 'AI_HOW_UPDATE_GOLDEN'
const repoRoot = path.resolve(import.meta.dirname, '../..')

/** True when the golden files are to be rewritten (AI_HOW_UPDATE_GOLDEN=1). */
export function updatingGolden(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.UPDATE_GOLDEN !== undefined) throw new Error(`UPDATE_GOLDEN is not read: golden files are rewritten with ${UPDATE_SWITCH}=1`)
  const value = env[UPDATE_SWITCH]
  if (value === undefined || value === '') return false
  if (value === '1') return true
  throw new Error(`${UPDATE_SWITCH}=${value}: set it to 1 to rewrite the golden files, or leave it unset`)
}

/** Compares `actual` with the golden file `file` (absolute), or rewrites the file under AI_HOW_UPDATE_GOLDEN=1. */
export function assertGolden(file: string, actual: string, env: NodeJS.ProcessEnv = process.env): void {
  if (updatingGolden(env)) {
    mkdirSync(path.dirname(file), {recursive: true})
    writeFileSync(file, actual)
    return
  }
  const name = path.relative(repoRoot, file)
  assert.equal(actual, readFileSync(file, 'utf8'), `the output differs from the golden file ${name} (${UPDATE_SWITCH}=1 rewrites it; review the diff)`)
}
