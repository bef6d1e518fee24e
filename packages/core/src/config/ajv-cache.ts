/**
 * A disk cache of ajv's standalone code for the combined config schema (compiling it is about half
 * of `validate`'s start-up: bench/startup.mjs). Keyed by a hash of the schema and ajv's version, in
 * oclif's cache dir: $AI_HOW_CACHE_DIR, else $XDG_CACHE_HOME/ai-how, else ~/.cache/ai-how; written atomically (temporary file + rename). Any
 * failure (no cache dir, unreadable or corrupt file) falls back to compiling: the cache only saves time.
 */
import type {Ajv2020, ValidateFunction} from 'ajv/dist/2020.js'
import {createHash} from 'node:crypto'
import {closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import os from 'node:os'
import path from 'node:path'

const require = createRequire(import.meta.url)
/** Raised when the code ajv.ts generates (its keywords, the runtime ids) changes: older files are then not read. */
const FORMAT = 1

/** Module ids the generated code requires that are not packages (given to it by loadCached). */
export type Runtime = Record<string, unknown>

export function cacheFile(schema: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const {version} = require('ajv/package.json') as {version: string}
  const hash = createHash('sha256').update(`ai-how ${String(FORMAT)} ajv ${version}\n`).update(JSON.stringify(schema)).digest('hex').slice(0, 32)
  const set = (value: string | undefined): value is string => value !== undefined && value !== ''
  const dir = set(env.AI_HOW_CACHE_DIR) ? env.AI_HOW_CACHE_DIR : path.join(set(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache'), 'ai-how')
  return path.join(dir, `config-schema-${hash}.cjs`)
}

/**
 * Whether a stat belongs to this user and nobody else can write it. The cached file is code that
 * this process runs: one that another user could have written or replaced (a root `ai-how` run with a
 * user's cache dir, a shared folder) is never read.
 */
function ownedPrivately(stat: {uid: number; mode: number}): boolean {
  const uid = process.getuid?.()
  return (uid === undefined || stat.uid === uid) && (stat.mode & 0o022) === 0
}

/** The file's text when it is a regular file of this user in a folder of this user that only they can write. */
function readPrivateFile(file: string): string | undefined {
  try {
    if (!ownedPrivately(lstatSync(path.dirname(file)))) return undefined
    const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
    try {
      const stat = fstatSync(fd)
      if (!stat.isFile() || !ownedPrivately(stat)) return undefined
      return readFileSync(fd, 'utf8')
    } finally {
      closeSync(fd)
    }
  } catch {
    return undefined
  }
}

/** The cached validator, or undefined when there is none (or it does not load, or is not this user's alone). */
export function loadCached(file: string, runtime: Runtime): ValidateFunction | undefined {
  const code = readPrivateFile(file)
  if (code === undefined) return undefined
  try {
    const mod: {exports: unknown} = {exports: {}}
    const req = (id: string): unknown => (id in runtime ? runtime[id] : require(id))
    // ajv's own generated code, evaluated as ajv itself evaluates it (with the requires it names).
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const run = new Function('require', 'module', 'exports', code) as (r: typeof req, m: typeof mod, e: unknown) => void
    run(req, mod, mod.exports)
    return typeof mod.exports === 'function' ? (mod.exports as ValidateFunction) : undefined
  } catch {
    return undefined
  }
}

/** Writes the standalone code of `fn` (compiled by `ajv` with code.source) to `file`; errors ignored. */
export function saveCached(file: string, ajv: Ajv2020, fn: ValidateFunction): void {
  try {
    const standaloneCode = (require('ajv/dist/standalone/index.js') as {default: (ajv: Ajv2020, fn: ValidateFunction) => string}).default
    const code = standaloneCode(ajv, fn)
    mkdirSync(path.dirname(file), {recursive: true, mode: 0o700})
    const tmp = `${file}.${String(process.pid)}.tmp`
    writeFileSync(tmp, code, {mode: 0o600, flag: 'wx'})
    renameSync(tmp, file)
  } catch {
    // A read-only home, a full disk, code ajv cannot make standalone: the next run compiles again.
  }
}
