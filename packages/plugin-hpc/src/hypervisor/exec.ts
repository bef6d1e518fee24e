/**
 * The one place that spawns `virsh` and `qemu-img`: execa with argument arrays (never a shell),
 * `LC_ALL=C` so messages are parseable, and a timeout. Injectable, so tests can count processes
 * or record calls while still running the real binary.
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

export interface ExecRequest {
  /** Executable: 'virsh' or 'qemu-img'. */
  file: string
  args: readonly string[]
  timeoutMs: number
  /** Text written to stdin. */
  input?: string
}

export interface ExecResult {
  /** Exit status; -1 when the process could not be spawned or was killed. */
  exitCode: number
  stdout: string
  stderr: string
  timedOut: boolean
  /** Set when the executable could not be spawned (e.g. ENOENT). */
  spawnError?: string
}

export type ExecFn = (request: ExecRequest) => Promise<ExecResult>

/**
 * Node gives a child's stdin as a UNIX socket, which `/dev/stdin` cannot open (ENXIO): virsh's
 * `define /dev/stdin` then fails. So the input goes into a private temp file whose path replaces
 * `/dev/stdin` in the arguments; the file is removed afterwards.
 */
async function withInputFile(request: ExecRequest & {input: string}): Promise<ExecResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-virsh-'))
  try {
    const file = path.join(dir, 'input.xml')
    await writeFile(file, request.input, {mode: 0o600})
    return await execaExec({file: request.file, timeoutMs: request.timeoutMs, args: request.args.map((a) => (a === '/dev/stdin' ? file : a))})
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

/** The default ExecFn: execa without rejecting, so every failure is mapped in one place. */
export const execaExec: ExecFn = async (request) => {
  if (request.input !== undefined && request.args.includes('/dev/stdin')) return withInputFile({...request, input: request.input})
  const {execa} = await import('execa')
  const result = await execa(request.file, [...request.args], {
    env: {LC_ALL: 'C'},
    timeout: request.timeoutMs,
    reject: false,
    stripFinalNewline: false,
    ...(request.input === undefined ? {stdin: 'ignore' as const} : {input: request.input}),
  })
  const out: ExecResult = {
    exitCode: result.exitCode ?? -1,
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
    timedOut: result.timedOut,
  }
  const code = (result as {code?: unknown}).code
  if (result.failed && result.exitCode === undefined && !result.timedOut) out.spawnError = typeof code === 'string' ? code : (result.shortMessage ?? 'spawn failed')
  return out
}

/** Wraps an ExecFn and counts the processes it spawns, per executable. */
export function countingExec(inner: ExecFn = execaExec): {exec: ExecFn; count: (file?: string) => number; reset: () => void} {
  const counts = new Map<string, number>()
  return {
    exec: async (request) => {
      counts.set(request.file, (counts.get(request.file) ?? 0) + 1)
      return inner(request)
    },
    count: (file = 'virsh') => counts.get(file) ?? 0,
    reset: () => {
      counts.clear()
    },
  }
}

export const DEFAULT_URI = 'qemu:///system'

/** The libvirt URI: the configured one, else LIBVIRT_DEFAULT_URI, else qemu:///system. */
export function resolveLibvirtUri(configured?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (configured !== undefined && configured !== '') return configured
  const fromEnv = env.LIBVIRT_DEFAULT_URI
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_URI
}
