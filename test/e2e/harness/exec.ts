import {execa} from 'execa'

/** What a command run by the harness gave back. */
export interface CmdResult {
  exitCode: number
  stdout: string
  stderr: string
}

export interface CmdOptions {
  /** Added to (and overriding) the parent's environment. */
  env?: Record<string, string>
  cwd?: string
  input?: string
  timeoutMs?: number
  /** Throw when the exit code is not 0 (default true). */
  reject?: boolean
}

/** Runs FILE with ARGS (argument array, no shell) and collects its output. */
export async function run(file: string, args: readonly string[], options: CmdOptions = {}): Promise<CmdResult> {
  const result = await execa(file, args, {
    env: options.env ?? {},
    ...(options.cwd === undefined ? {} : {cwd: options.cwd}),
    ...(options.input === undefined ? {stdin: 'ignore' as const} : {input: options.input}),
    ...(options.timeoutMs === undefined ? {} : {timeout: options.timeoutMs}),
    reject: options.reject ?? true,
    stripFinalNewline: true,
  })
  return {exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr}
}
