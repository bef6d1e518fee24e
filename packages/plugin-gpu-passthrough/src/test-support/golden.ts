/**
 * Golden files of this plugin's tests (in ./golden): compared byte for byte through the repository's
 * one golden helper (test/golden/golden.ts); AI_HOW_UPDATE_GOLDEN=1 rewrites them (review the diff).
 */
import path from 'node:path'
import {assertGolden as assertGoldenFile} from '../../../../test/golden/golden.js'
import {GOLDEN} from './paths.js'

export function assertGolden(name: string, actual: string): Promise<void> {
  assertGoldenFile(path.join(GOLDEN, name), actual)
  return Promise.resolve()
}
