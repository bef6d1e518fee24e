/**
 * A guest for the SSH wait tests: the test server hands each `sh -c` command to a real local shell
 * (sh, dash or bash, as the user's login shell on a VM would get it), with fake `cloud-init`, `sudo` and
 * `uname` first on PATH that behave as the test says and log their calls; other commands (the
 * cloud-init report reads) are answered from a table.
 */
import {execFile, spawnSync} from 'node:child_process'
import {chmod, mkdtemp, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import type {Answer} from './ssh-server.js'

export interface GuestBehaviour {
  /** Exit status of `cloud-init status --wait` (default 0). */
  cloudInitExit?: number
  /** Its first this many calls are killed by SIGTERM (default 0). */
  cloudInitKills?: number
  /** What `sudo -n true` prints and its exit status (default: nothing, 0), or the signal that kills it after printing (e.g. 'TERM'). */
  sudo?: {exit: number; stdout?: string; stderr?: string; killedBy?: string}
  /** What `uname -n` prints, verbatim (default 'hpc-controller\n'). */
  hostname?: string
  /** The login shell that runs the commands (default sh). */
  shell?: string
  /** Answers to the commands that are not `sh -c` scripts. */
  answers?: Record<string, Answer>
  /** Called with each command before it runs (a test moves its clock there). */
  onCommand?: (command: string) => void
}

export interface FakeGuest {
  answer: (command: string) => Promise<Answer>
  /** The calls of the fake tools, in order ('cloud-init status --wait', 'sudo -n true', 'uname -n'). */
  calls: () => Promise<string[]>
}

const LOG = 'printf "%s\\n" "$(basename "$0") $*" >>"$FAKE_DIR/calls"'

const TOOLS = {
  'cloud-init': [
    LOG,
    'k=$(cat "$FAKE_DIR/kills" 2>/dev/null || echo 0)',
    'if [ "$k" -lt "$FAKE_CLOUD_INIT_KILLS" ]; then echo $((k + 1)) >"$FAKE_DIR/kills"; kill -TERM $$; fi',
    'printf "....\\nstatus: done\\n"', 'exit "$FAKE_CLOUD_INIT_EXIT"',
  ],
  sudo: [
    LOG, 'printf "%s" "$FAKE_SUDO_STDOUT"', 'printf "%s" "$FAKE_SUDO_STDERR" >&2',
    'if [ -n "$FAKE_SUDO_SIGNAL" ]; then kill -"$FAKE_SUDO_SIGNAL" $$; fi', 'exit "$FAKE_SUDO_EXIT"',
  ],
  uname: [LOG, 'printf "%s" "$FAKE_HOSTNAME"'],
}

/** Whether `shell` is installed here (a test for a login shell is skipped without it). */
export function hasShell(shell: string): boolean {
  return spawnSync(shell, ['-c', 'true'], {stdio: 'ignore'}).status === 0
}

export async function fakeGuest(parent: string, behaviour: GuestBehaviour = {}): Promise<FakeGuest> {
  const dir = await mkdtemp(path.join(parent, 'guest-'))
  for (const [tool, lines] of Object.entries(TOOLS)) {
    await writeFile(path.join(dir, tool), ['#!/bin/sh', ...lines, ''].join('\n'))
    await chmod(path.join(dir, tool), 0o755)
  }
  const env = {
    PATH: `${dir}:/usr/bin:/bin`, HOME: dir, FAKE_DIR: dir,
    FAKE_CLOUD_INIT_EXIT: String(behaviour.cloudInitExit ?? 0), FAKE_CLOUD_INIT_KILLS: String(behaviour.cloudInitKills ?? 0),
    FAKE_SUDO_EXIT: String(behaviour.sudo?.exit ?? 0), FAKE_SUDO_STDOUT: behaviour.sudo?.stdout ?? '', FAKE_SUDO_STDERR: behaviour.sudo?.stderr ?? '',
    FAKE_SUDO_SIGNAL: behaviour.sudo?.killedBy ?? '',
    FAKE_HOSTNAME: behaviour.hostname ?? 'hpc-controller\n',
  }
  const run = (command: string): Promise<Answer> => new Promise((resolve) => {
    execFile(behaviour.shell ?? 'sh', ['-c', command], {env, encoding: 'utf8', timeout: 10_000}, (error, stdout, stderr) => {
      const failed = error as (Error & {code?: unknown; signal?: NodeJS.Signals | null}) | null
      if (failed?.signal) resolve({exit: 0, signal: failed.signal.replace(/^SIG/, ''), stdout, stderr})
      else resolve({exit: typeof failed?.code === 'number' ? failed.code : 0, stdout, stderr})
    })
  })
  return {
    answer: (command) => {
      behaviour.onCommand?.(command)
      if (command.startsWith('sh -c ')) return run(command)
      return Promise.resolve(behaviour.answers?.[command] ?? {exit: 0})
    },
    calls: async () => (await readFile(path.join(dir, 'calls'), 'utf8').catch(() => '')).split('\n').filter((l) => l !== ''),
  }
}
