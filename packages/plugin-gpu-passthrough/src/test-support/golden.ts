/**
 * Golden files: the expected output lives in a file next to the tests and is compared byte for
 * byte. AI_HOW_UPDATE_GOLDEN=1 rewrites them (review the diff before committing).
 */
import assert from 'node:assert/strict'
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {GOLDEN} from './paths.js'

export async function assertGolden(name: string, actual: string): Promise<void> {
  const file = path.join(GOLDEN, name)
  if (process.env.AI_HOW_UPDATE_GOLDEN === '1') {
    await writeFile(file, actual)
    return
  }
  const expected = await readFile(file, 'utf8')
  assert.equal(actual, expected, `output differs from the golden file ${path.relative(process.cwd(), file)}`)
}
