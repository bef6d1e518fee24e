/** What the state tests share: a state file in a fresh folder, and the ai-how error a call must end with. */
import assert from 'node:assert/strict'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'
import {isAiHowError} from '../../packages/core/src/errors.js'
import type {AiHowErrorLike} from '../../packages/core/src/errors.js'
import {withTempDir} from './workers.js'

/** Runs `run` with `<fresh folder>/state.json` holding `content` (nothing there when undefined); the folder goes afterwards. */
export async function withStateFile<T>(content: string | undefined, run: (file: string, dir: string) => Promise<T>): Promise<T> {
  return withTempDir(async (dir) => {
    const file = path.join(dir, 'state.json')
    if (content !== undefined) await writeFile(file, content)
    return run(file, dir)
  })
}

/** The ai-how error `pending` rejects with; fails the test when it resolves or rejects with anything else. */
export async function aiHowRejection(pending: Promise<unknown>, expected: string): Promise<AiHowErrorLike> {
  try {
    await pending
  } catch (error) {
    assert.ok(isAiHowError(error), String(error))
    return error
  }
  assert.fail(`expected ${expected}`)
}
