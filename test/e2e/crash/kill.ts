// For the crash-safety e2e tests of both kinds: run ai-how until its phase has come (seen in its
// plain progress lines, or in its children: never guessed by sleeping), kill it with SIGKILL (and the
// ansible-playbook and ssh it started, which a real crash leaves behind), and read who holds a
// cluster's lock file.
import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'

import {spawnAiHow} from '../harness/index.js'
import type {AiHowDirs, CmdResult, E2eHost} from '../harness/index.js'
import {descendantsOf, killAll} from '../hpc/processes.js'

export const show = (r: CmdResult): string => `exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`

/** The pid recorded in a cluster's lock file, if one is there. */
export async function lockHolder(lockFile: string): Promise<number | undefined> {
  try {
    return (JSON.parse(await readFile(lockFile, 'utf8')) as {pid: number}).pid
  } catch {
    return undefined
  }
}

export interface KillTarget {
  host: E2eHost
  dirs: AiHowDirs
  /** The state file (passed as --state) and the cluster's lock file beside it. */
  state: string
  lockFile: string
}

/**
 * Runs `ai-how ARGS --state STATE` until `reached` says its phase has come, then kills it with
 * SIGKILL; `beside` runs once, as soon as the command holds the lock. `reached` is asked on every
 * piece of stderr as it arrives (a phase seen in a progress line is killed within milliseconds,
 * before the step after it acts) and every 100 ms. Returns its stderr.
 */
export async function killIn(
  k: KillTarget,
  args: string[],
  reached: (stderr: string, pid: number) => boolean | Promise<boolean>,
  beside?: (pid: number) => Promise<void>,
): Promise<string> {
  const child = spawnAiHow(k.host, [...args, '--state', k.state], {dirs: k.dirs})
  let stderr = ''
  const ended = {now: false}
  const pid = child.pid
  assert.ok(pid !== undefined, 'ai-how started')
  let besideDone = beside === undefined
  const done = {killed: false}
  const kill = (): void => {
    if (done.killed) return
    done.killed = true
    const children = descendantsOf(pid)
    child.kill('SIGKILL')
    killAll(children.filter((p) => p.command.includes('ansible') || p.command.includes('ssh')).map((p) => p.pid))
  }
  child.onStderr((text) => {
    stderr += text
    if (besideDone && reached(stderr, pid) === true) kill()
  })
  void child.result.then(() => { ended.now = true })
  while (!done.killed) {
    if (ended.now) assert.fail(`ai-how ${args.join(' ')} ended before the phase came:\n${show(await child.result)}`)
    if (!besideDone && beside !== undefined && (await lockHolder(k.lockFile)) === pid) {
      await beside(pid)
      besideDone = true
    }
    if (besideDone && (await reached(stderr, pid))) kill()
    else await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const result = await child.result
  assert.notEqual(result.exitCode, 0, show(result))
  return stderr
}

/** The moment a deploy runs: ai-how has an ansible-playbook child. */
export const inDeploy = (_stderr: string, pid: number): boolean => descendantsOf(pid).some((p) => p.command.includes('ansible-playbook'))

export const SLEEPING_PLAYBOOK = `- name: ai-how e2e, a deploy that takes long
  hosts: all
  gather_facts: false
  tasks:
    - name: ai-how e2e sleeping task
      ansible.builtin.command: sleep 600
`
