import {mkdir, mkdtemp} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {execa} from 'execa'

import type {CmdResult} from './exec.js'
import type {E2eHost} from './host.js'
import {nsenterArgs} from './netns.js'
import {aiHowBin} from './paths.js'
import {USER_TMP} from './test-user.js'
import type {TestUser} from './test-user.js'

/** Isolated folders for one ai-how invocation (or a series that shares state). */
export interface AiHowDirs {
  root: string
  data: string
  cache: string
  config: string
}

/** A fresh temp folder (in `parent`, default the temp folder) holding data/, cache/ and config/ for AI_HOW_*_DIR. */
export async function makeAiHowDirs(prefix = 'ai-how-e2e-', parent = os.tmpdir()): Promise<AiHowDirs> {
  const root = await mkdtemp(path.join(parent, prefix))
  const dirs = {root, data: path.join(root, 'data'), cache: path.join(root, 'cache'), config: path.join(root, 'config')}
  await Promise.all([mkdir(dirs.data), mkdir(dirs.cache), mkdir(dirs.config)])
  return dirs
}

export interface RunAiHowOptions {
  dirs: AiHowDirs
  /** Extra environment (wins over the defaults below). */
  env?: Record<string, string>
  /** Working folder (default dirs.root, so that nothing lands in the repository). */
  cwd?: string
  timeoutMs?: number
  /** The ai-how to run (default the repository's packages/core/bin/run.js; e.g. an installed one: installed-cli.ts). */
  bin?: string
  /**
   * Run on a pseudo-terminal (python3's pty module) with these bytes typed on it, as a person at a
   * terminal would answer a prompt. stdout and stderr then both arrive in stdout.
   */
  terminalInput?: string
  /**
   * Run as this user (test-user.ts) instead of root: its uid, gid and supplementary groups (libvirt),
   * HOME its home, TMPDIR /tmp. What it must read or write (dirs, cwd, the installed prefix) must be its own or
   * readable by it: test-user.ts giveTo.
   */
  user?: TestUser
}

/** python3 runs argv on a new pseudo-terminal, copies our stdin to it, and exits with the child's status. */
const PTY_WRAPPER = 'import os, pty, sys; status = pty.spawn(sys.argv[1:]); sys.exit(os.waitstatus_to_exitcode(status))'

/**
 * Runs the real binary (`node packages/core/bin/run.js ARGS`, built beforehand) inside the run's
 * namespaces, so it reaches the namespaced libvirtd as qemu:///system and the guests over SSH.
 * Never throws on a non-zero exit: tests assert on exitCode.
 */
export async function runAiHow(host: E2eHost, args: readonly string[], options: RunAiHowOptions): Promise<CmdResult> {
  return spawnAiHow(host, args, options).result
}

/** A running ai-how: its stderr as it comes, a way to signal it, and its result once it exits. */
export interface RunningAiHow {
  /** The pid of ai-how itself (nsenter execs it). */
  pid: number | undefined
  onStderr(listener: (text: string) => void): void
  kill(signal: NodeJS.Signals): void
  result: Promise<CmdResult>
}

/**
 * Starts the real binary like runAiHow but returns at once, for tests that signal it (a signal
 * sent to the process reaches ai-how itself).
 */
export function spawnAiHow(host: E2eHost, args: readonly string[], options: RunAiHowOptions): RunningAiHow {
  const cwd = options.cwd ?? options.dirs.root
  const user = options.user
  const env = {
    // TMPDIR: run-tests.mjs's is root's only.
    ...(user === undefined ? {} : {HOME: user.home, USER: user.name, LOGNAME: user.name, TMPDIR: USER_TMP}),
    AI_HOW_DATA_DIR: options.dirs.data,
    AI_HOW_CACHE_DIR: options.dirs.cache,
    AI_HOW_CONFIG_DIR: options.dirs.config,
    LIBVIRT_DEFAULT_URI: host.innerUri,
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    ...options.env,
  }
  const bin = options.bin ?? aiHowBin
  const argv = options.terminalInput === undefined ? [process.execPath, bin, ...args] : ['python3', '-c', PTY_WRAPPER, process.execPath, bin, ...args]
  // setpriv execs too (no fork): the pid stays ai-how's (or the pty wrapper's).
  const [file, ...rest] = user === undefined ? argv : ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', ...argv]
  const command = nsenterArgs(host, cwd, file ?? '', rest)
  const child = execa('nsenter', command, {
    env, cwd, reject: false, timeout: options.timeoutMs ?? 20 * 60_000,
    ...(options.terminalInput === undefined ? {stdin: 'ignore' as const} : {input: options.terminalInput}),
  })
  return {
    pid: child.pid,
    onStderr: (listener) => { child.stderr.on('data', (chunk: Buffer) => { listener(chunk.toString()) }) },
    kill: (signal) => { child.kill(signal) },
    result: child.then((r) => ({exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr})),
  }
}
