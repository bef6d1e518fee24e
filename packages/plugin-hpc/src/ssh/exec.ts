/**
 * Runs one command on a VM over SSH and collects its output and exit status.
 */
import type {Client} from 'ssh2'
import {AiHowError} from '@ai-how/core'
import {SshAttemptError, withSession} from './session.js'
import type {SshTarget} from './session.js'

export interface ExecResult {
  stdout: string
  stderr: string
  /** The exit status, or null when the command was killed by a signal. */
  exitCode: number | null
  signal: string | null
}

export interface SshExecOptions extends SshTarget {
  /** A command line for the remote shell; an array is quoted word by word (POSIX single quotes). */
  command: string | readonly string[]
  /** Bound on connecting plus running (default 60 s). */
  timeoutMs?: number
  signal?: AbortSignal
  /** Written to the command's standard input, which is then closed. */
  stdin?: string
  /** The cluster kind, so that advice names its own status command. */
  kind?: string
}

/** Quotes words for a POSIX shell: `['echo', "it's"]` -> `'echo' 'it'\''s'`. */
export function shellQuote(words: readonly string[]): string {
  return words.map((w) => `'${w.replaceAll("'", `'\\''`)}'`).join(' ')
}

/** Runs `command` on an authenticated client. */
export function runCommand(client: Client, command: string, stdin?: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error !== undefined) {
        reject(new SshAttemptError('EXEC_FAILED', `cannot start ${JSON.stringify(command)}: ${error.message}`, {cause: error}))
        return
      }
      const out: Buffer[] = []
      const err: Buffer[] = []
      let exitCode: number | null = null
      let signal: string | null = null
      stream.on('data', (chunk: Buffer) => out.push(chunk))
      stream.stderr.on('data', (chunk: Buffer) => err.push(chunk))
      stream.on('exit', (code: number | null, sig?: string) => {
        exitCode = code
        signal = sig ?? null
      })
      stream.on('close', () => {
        resolve({stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode, signal})
      })
      stream.end(stdin)
    })
  })
}

/** Connects (verifying the host key), runs one command, and returns its output, whatever its exit status. */
export async function sshExec(options: SshExecOptions): Promise<ExecResult> {
  const command = typeof options.command === 'string' ? options.command : shellQuote(options.command)
  try {
    return await withSession(options, options.timeoutMs ?? 60_000, options.signal, (client) => runCommand(client, command, options.stdin))
  } catch (error) {
    if (!(error instanceof SshAttemptError)) throw error
    const where = `${options.user}@${options.host}:${options.port ?? 22}`
    throw new AiHowError(`SSH to ${where} failed (${error.reason}): ${error.message}`, {
      code: 'SSH_FAILED',
      cause: error,
      actions: [`Check that the VM is running and answers SSH (${options.kind === undefined ? 'the status command of its cluster kind' : `ai-how ${options.kind} status CONFIG`}), then retry.`],
      details: {host: options.host, port: options.port ?? 22, reason: error.reason},
    })
  }
}
