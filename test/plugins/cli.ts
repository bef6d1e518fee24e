/**
 * Runs the real `ai-how` binary (node packages/core/bin/run.js, built dist) with isolated oclif
 * data/cache/config dirs, so that linking a plugin never touches the user's own ai-how.
 */
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

export const repoRoot = path.resolve(import.meta.dirname, '../..')
export const bin = path.join(repoRoot, 'packages/core/bin/run.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export interface Sandbox {
  dir: string
  run(args: string[], options?: {cwd?: string}): Promise<CliResult>
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

export async function sandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-plugins-'))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AI_HOW_DATA_DIR: path.join(dir, 'data'),
    AI_HOW_CACHE_DIR: path.join(dir, 'cache'),
    AI_HOW_CONFIG_DIR: path.join(dir, 'config'),
    AI_HOW_STATE: path.join(dir, 'output', 'state.json'),
    OCLIF_DISABLE_LINKED_ESM_WARNING: '1',
    NO_COLOR: '1',
  }
  return {
    dir,
    run: (args, options = {}) =>
      new Promise((resolve) => {
        execFile(process.execPath, [bin, ...args], {cwd: options.cwd ?? repoRoot, env, timeout: 60_000}, (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
          resolve({code, stdout, stderr})
        })
      }),
    dispose: () => rm(dir, {recursive: true, force: true}),
  }
}

/** `what` for assertion messages: the command's streams. */
export function show(r: CliResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`
}
