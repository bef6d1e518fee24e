/**
 * Where the state file and its companions live: the state file itself, `<state>.lock`, the lock's
 * takeover guard, hidden temp files of atomic writes, and `<state>.corrupt-<timestamp>` copies.
 */
import {randomBytes} from 'node:crypto'
import path from 'node:path'

/** Same value as `DEFAULT_STATE_PATH` of command.ts (kept here so the state code does not load oclif). */
const DEFAULT_STATE_FILE = path.join('output', 'state.json')

/** The absolute state file: the `--state` flag, else `$AI_HOW_STATE`, else `output/state.json` (relative to cwd). */
export function resolveStatePath(flagValue: string | undefined, cwd: string = process.cwd()): string {
  const fromEnv = process.env.AI_HOW_STATE
  const chosen = nonEmpty(flagValue) ?? nonEmpty(fromEnv) ?? DEFAULT_STATE_FILE
  return path.resolve(cwd, chosen)
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}

export function lockPathOf(stateFile: string): string {
  return `${stateFile}.lock`
}

/** The short-lived guard that serialises the removal of a stale lock. */
export function takeoverGuardPathOf(lockFile: string): string {
  return `${lockFile}.takeover`
}

/** A unique side name for a file being moved aside (carries our pid). */
export function asidePathOf(file: string): string {
  return `${file}.aside-${process.pid}-${randomBytes(4).toString('hex')}`
}

const TEMP_MARK = '.tmp-'

/** A unique hidden temp file next to `file`: `.<name>.tmp-<pid>-<random>`. */
export function tempPathOf(file: string): string {
  const dir = path.dirname(file)
  return path.join(dir, `.${path.basename(file)}${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`)
}

/** The pid in the name of a temp file of `file`, or undefined when `name` is not one. */
export function tempOwnerPid(file: string, name: string): number | undefined {
  const prefix = `.${path.basename(file)}${TEMP_MARK}`
  if (!name.startsWith(prefix)) return undefined
  const match = /^(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length))
  return match?.[1] === undefined ? undefined : Number(match[1])
}

/** `<state>.corrupt-<UTC timestamp>`, safe in file names. */
export function corruptCopyPathOf(stateFile: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-')
  return `${stateFile}.corrupt-${stamp}`
}

export function isCorruptCopyName(stateFile: string, name: string): boolean {
  return name.startsWith(`${path.basename(stateFile)}.corrupt-`)
}
