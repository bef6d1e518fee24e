/**
 * The state document as text: parsing with shape checks (what makes a file corrupt), the empty
 * document, and serialisation (`indent=2`, trailing newline). Unknown keys pass through untouched.
 * A problem names positions, types and ai-how's own key names, never text of the file.
 */
import type {StateDocument} from '../contracts/state.js'
import {jsonSyntaxSummary} from './json-error-text.js'
import {jsonErrorPosition} from './json-position.js'

export function emptyStateDocument(): StateDocument {
  return {version: 1, gpu_allocations: {}}
}

export function serializeState(doc: StateDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`
}

export type ParsedState = {ok: true; doc: StateDocument} | {ok: false; problem: string}

export function parseStateText(text: string): ParsedState {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text
  if (body.trim() === '') return {ok: false, problem: `the file is empty (${text.length} bytes)`}
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const at = jsonErrorPosition(body, message)
    return {ok: false, problem: `invalid JSON at line ${at.line}, column ${at.column} (offset ${at.offset}): ${jsonSyntaxSummary(message)}`}
  }
  const problem = shapeProblem(value)
  return problem === undefined ? {ok: true, doc: value as StateDocument} : {ok: false, problem}
}

/** Why `value` is not a StateDocument, or undefined when it is one. */
export function shapeProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return `the top level is ${describe(value)}, not an object`
  if (value.version !== 1) {
    const newer = typeof value.version === 'number' && value.version > 1 ? ' (written by a newer ai-how?)' : ''
    const found = typeof value.version === 'number' && Number.isFinite(value.version) ? String(value.version) : describe(value.version)
    return `"version" is ${found}, expected 1${newer}`
  }
  if (!isPlainObject(value.gpu_allocations)) return `"gpu_allocations" is ${describe(value.gpu_allocations)}, not an object`
  for (const [key, entry] of Object.entries(value)) {
    if (key.endsWith('_cluster') && !isPlainObject(entry)) return `${nameOf(key)} is ${describe(entry)}, not an object`
  }
  return undefined
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A key of the file, quoted when it has the shape of ai-how's own keys (`hpc_cluster`), else only described. */
function nameOf(key: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(key) ? `"${key}"` : 'an entry whose key ends in "_cluster"'
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}
