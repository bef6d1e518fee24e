import path from 'node:path'

/** The repository root (test/e2e/harness is three levels below it). */
export const repoRoot = path.resolve(import.meta.dirname, '../../..')
export const e2eDir = path.join(repoRoot, 'test', 'e2e')
export const aiHowBin = path.join(repoRoot, 'packages', 'core', 'bin', 'run.js')
