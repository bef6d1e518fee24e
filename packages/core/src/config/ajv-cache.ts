/**
 * A disk cache of ajv's standalone code for the combined config schema (compiling it is about half
 * of `validate`'s start-up: bench/startup.mjs). Keyed by a hash of the schema and ajv's version, in
 * oclif's cache dir: $AI_HOW_CACHE_DIR, else $XDG_CACHE_HOME/ai-how, else ~/.cache/ai-how; written atomically (temporary file + rename). Any
 * failure (no cache dir, unreadable or corrupt file) falls back to compiling: the cache only saves time.
 */
import type {Ajv2020, ValidateFunction} from 'ajv/dist/2020.js'
import {createHash} from 'node:crypto'
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
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

/** The cached validator, or undefined when there is none (or it does not load). */
export function loadCached(file: string, runtime: Runtime): ValidateFunction | undefined {
  let code: string
  try {
    code = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
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
    mkdirSync(path.dirname(file), {recursive: true})
    const tmp = `${file}.${String(process.pid)}.tmp`
    writeFileSync(tmp, code)
    renameSync(tmp, file)
  } catch {
    // A read-only home, a full disk, code ajv cannot make standalone: the next run compiles again.
  }
}
