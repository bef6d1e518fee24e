// The processes below one pid (read from /proc), for tests that kill ai-how with SIGKILL: what it had
// started (ansible-playbook, ssh) outlives it, as after a real crash, and the test ends those itself.
import {readFileSync, readdirSync} from 'node:fs'

export interface ProcessInfo {
  pid: number
  command: string
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]
    return ppid === undefined ? undefined : Number(ppid)
  } catch {
    return undefined
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()
  } catch {
    return ''
  }
}

/** Every living descendant of `pid` with its command line. */
export function descendantsOf(pid: number): ProcessInfo[] {
  const children = new Map<number, number[]>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const parent = parentOf(Number(name))
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), Number(name)])
  }
  const found: ProcessInfo[] = []
  const queue = [...(children.get(pid) ?? [])]
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    found.push({pid: next, command: commandOf(next)})
    queue.push(...(children.get(next) ?? []))
  }
  return found
}

/** SIGKILL to each of these pids (the ones already gone are skipped). */
export function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
    }
  }
}
