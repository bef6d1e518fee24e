/**
 * The real `ai-how` binary (node packages/core/bin/run.js, built dist) for tests, run in the
 * repository root with oclif data/cache/config folders of its own in a sandbox folder, so that no
 * test reads or changes the user's ai-how. Not part of the build (see tsconfig.json).
 */
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {execa} from 'execa'

export const repoRoot = path.resolve(import.meta.dirname, '../../../..')
export const bin = path.join(repoRoot, 'packages/core/bin/run.js')

export interface CliResult {
  /** The exit code (1 when the process was killed, e.g. at the timeout). The streams are exactly what it wrote. */
  code: number
  stdout: string
  stderr: string
}

export interface CliRunOptions {
  /** Variables to set; an `undefined` removes that variable. */
  env?: Record<string, string | undefined>
  /** Take only PATH and HOME from the caller's environment (no variable set by accident). */
  onlyPathAndHome?: boolean
  /** Where the command runs (default: the repository root). */
  cwd?: string
}

export interface CliSandbox {
  /** The sandbox folder; the oclif folders are in it, tests may put files there too. */
  dir: string
  run(args: readonly string[], options?: CliRunOptions): Promise<CliResult>
  /** Removes the sandbox folder. */
  dispose(): void
}

export function cliSandbox(prefix: string): CliSandbox {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  const run = async (args: readonly string[], options: CliRunOptions = {}): Promise<CliResult> => {
    const base: NodeJS.ProcessEnv = options.onlyPathAndHome === true ? {PATH: process.env.PATH ?? '', HOME: os.homedir()} : {...process.env}
    const env: NodeJS.ProcessEnv = {
      ...base,
      AI_HOW_DATA_DIR: path.join(dir, 'data'),
      AI_HOW_CACHE_DIR: path.join(dir, 'cache'),
      AI_HOW_CONFIG_DIR: path.join(dir, 'config'),
      NO_COLOR: '1',
      ...options.env,
    }
    for (const [key, value] of Object.entries(options.env ?? {})) if (value === undefined) Reflect.deleteProperty(env, key)
    const r = await execa(process.execPath, [bin, ...args], {cwd: options.cwd ?? repoRoot, env, extendEnv: false, reject: false, stripFinalNewline: false, timeout: 60_000})
    return {code: r.exitCode ?? 1, stdout: r.stdout, stderr: r.stderr}
  }
  return {dir, run, dispose: () => { rmSync(dir, {recursive: true, force: true}) }}
}

/** A run's exit code and streams, for assertion messages. */
export function show(r: CliResult): string {
  return `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`
}
