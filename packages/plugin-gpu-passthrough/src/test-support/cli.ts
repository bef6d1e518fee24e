/** Runs the real `ai-how` binary (after a build) with isolated data, cache, config and state. */
import {execFile} from 'node:child_process'
import {mkdtemp} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {CLI, REPO_ROOT} from './paths.js'

const run = promisify(execFile)

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export async function isolatedDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'ai-how-gpu-cli-'))
}

export async function runCli(args: readonly string[], options: {dir: string; env?: Record<string, string>}): Promise<CliResult> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    AI_HOW_DATA_DIR: path.join(options.dir, 'data'),
    AI_HOW_CACHE_DIR: path.join(options.dir, 'cache'),
    AI_HOW_CONFIG_DIR: path.join(options.dir, 'config'),
    AI_HOW_STATE: path.join(options.dir, 'output/state.json'),
    AI_HOW_SYSFS_ROOT: undefined,
    ...options.env,
  }
  try {
    const {stdout, stderr} = await run(process.execPath, [CLI, ...args], {cwd: REPO_ROOT, env})
    return {code: 0, stdout, stderr}
  } catch (error) {
    const e = error as {code: number; stdout: string; stderr: string}
    return {code: e.code, stdout: e.stdout, stderr: e.stderr}
  }
}
