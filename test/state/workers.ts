/**
 * Runs the scripts of test/fixtures/state-workers as real child processes (`node --import tsx`),
 * and waits for their output lines or their exit.
 */
import type {ChildProcess} from 'node:child_process'
import {spawn} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const WORKERS = path.join(ROOT, 'test', 'fixtures', 'state-workers')

export interface Worker {
  child: ChildProcess
  pid: number
  stdout(): string
  stderr(): string
  /** Resolves with the first stdout line matching `pattern` (rejects after `timeoutMs` or on exit). */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>
  exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>
}

const running = new Set<ChildProcess>()

/** Kills the workers still running (for afterEach: a failed assertion must not leave a child looping). */
export async function stopWorkers(): Promise<void> {
  const left = [...running]
  running.clear()
  await Promise.all(
    left.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const closed = new Promise((resolve) => child.once('close', resolve))
      child.kill('SIGKILL')
      await closed
    }),
  )
}

export function startWorker(script: string, args: readonly string[]): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(WORKERS, script), ...args], {cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe']})
  if (child.pid === undefined) throw new Error(`could not start ${script}`)
  running.add(child)
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child)
      resolve({code, signal})
    })
  })
  const line = (pattern: RegExp, timeoutMs = 15_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const started = Date.now()
      const poll = (): void => {
        const found = out.split('\n').find((l) => pattern.test(l))
        if (found !== undefined) resolve(found)
        else if (child.exitCode !== null || child.signalCode !== null) reject(new Error(`${script} exited before printing ${String(pattern)}; stderr: ${err}`))
        else if (Date.now() - started > timeoutMs) reject(new Error(`${script} printed no ${String(pattern)} within ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`))
        else setTimeout(poll, 10)
      }
      poll()
    })
  return {child, pid: child.pid, stdout: () => out, stderr: () => err, line, exited}
}

/** Runs a worker to its end. */
export async function runWorker(script: string, args: readonly string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  const worker = startWorker(script, args)
  const {code} = await worker.exited
  return {code, stdout: worker.stdout(), stderr: worker.stderr()}
}

/** The pid of a process that has already exited (it ran and ended). */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], {stdio: 'ignore'})
  const pid = child.pid
  if (pid === undefined) throw new Error('could not start a short-lived process')
  await new Promise((resolve) => child.on('close', resolve))
  return pid
}

export async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ai-how-state-'))
  try {
    return await run(dir)
  } finally {
    await stopWorkers()
    await rm(dir, {recursive: true, force: true})
  }
}
