/**
 * Runs the real `ai-how` binary (node packages/core/bin/run.js, built dist) with isolated oclif
 * data/cache/config dirs, so that linking a plugin never touches the user's own ai-how: core's test
 * sandbox (packages/core/src/test-support/cli.ts) with a state file in it and oclif's linked-ESM
 * warning off (one test turns it back on).
 */
import {existsSync} from 'node:fs'
import path from 'node:path'
import {cliSandbox, repoRoot} from '../../packages/core/src/test-support/cli.js'
import type {CliResult} from '../../packages/core/src/test-support/cli.js'

export {repoRoot, show} from '../../packages/core/src/test-support/cli.js'
export type {CliResult} from '../../packages/core/src/test-support/cli.js'

export interface Sandbox {
  dir: string
  /** `env` is set over the sandbox's variables; an `undefined` removes one. */
  run(args: string[], options?: {cwd?: string; env?: Record<string, string | undefined>}): Promise<CliResult>
  dispose(): Promise<void>
}

/** Throws with the build command when the workspace has not been built. */
export function assertBuilt(): void {
  for (const p of ['core', 'plugin-hpc', 'plugin-cloud', 'plugin-gpu-passthrough']) {
    if (!existsSync(path.join(repoRoot, 'packages', p, 'dist', 'index.js'))) {
      throw new Error(`packages/${p} is not built: run npx tsc -b packages/core packages/plugin-hpc packages/plugin-cloud packages/plugin-gpu-passthrough`)
    }
  }
}

export function sandbox(): Promise<Sandbox> {
  const box = cliSandbox('ai-how-plugins-')
  const env = {AI_HOW_STATE: path.join(box.dir, 'output', 'state.json'), OCLIF_DISABLE_LINKED_ESM_WARNING: '1'}
  return Promise.resolve({
    dir: box.dir,
    run: (args, options = {}) => box.run(args, {env: {...env, ...options.env}, ...(options.cwd === undefined ? {} : {cwd: options.cwd})}),
    dispose: () => {
      box.dispose()
      return Promise.resolve()
    },
  })
}
