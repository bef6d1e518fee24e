/**
 * The one shape of every JSON document ai-how prints (stdout under --json, and error documents):
 * `format_version` first, then the command's data with snake_case keys, like the state file and
 * terraform's JSON. Commands return their data as they build it; AiHowCommand and the CLI's error
 * handler pass it through here, so no command shapes its own document. Keys that are data (a map
 * keyed by node or cluster names) are marked with `dataMap` and keep their spelling.
 * The versioning rule: a breaking change of any document (a key renamed or removed, a type changed)
 * bumps JSON_FORMAT_VERSION; adding a key does not. docs/json/ holds the schemas.
 */
import {EXIT_FAILED, isAiHowError} from '../errors.js'

export const JSON_FORMAT_VERSION = 1

/** Symbol.for, not a module-local symbol: a plugin carrying its own copy of core marks maps the same way. */
const DATA_MAP = Symbol.for('ai-how.json.data-map')

/** Marks an object whose keys are data (node names, cluster names): they are printed as they are. */
export function dataMap<T extends object>(map: T): T {
  Object.defineProperty(map, DATA_MAP, {value: true, enumerable: false})
  return map
}

function isDataMap(value: object): boolean {
  return (value as Record<symbol, unknown>)[DATA_MAP] === true
}

const FOREIGN = Symbol.for('ai-how.json.foreign-document')

/**
 * Marks data that is a document of another format (the rendered config of `render --json`, the JSON
 * Schema of `schema --json`): it is printed as it is, with no format_version and no renamed key.
 */
export function foreignDocument<T extends object>(doc: T): T {
  Object.defineProperty(doc, FOREIGN, {value: true, enumerable: false})
  return doc
}

export function isForeignDocument(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[FOREIGN] === true
}

const CAMEL = /^[a-z][a-zA-Z0-9]*[A-Z][a-zA-Z0-9]*$/

/** True for a camelCase identifier (`exitCode`, `libvirtUri`); snake_case, kebab-case and other data are not. */
export function isCamelCase(key: string): boolean {
  return CAMEL.test(key)
}

/** `exitCode` → `exit_code`, `showXML` → `show_xml`; any key that is not a camelCase identifier is kept. */
export function snakeCaseKey(key: string): string {
  if (!isCamelCase(key)) return key
  return key
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
}

/** A deep copy of plain JSON data with every camelCase key in snake_case (keys of data maps kept). */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => snakeCaseKeys(item))
  if (typeof value !== 'object' || value === null) return value
  const toJSON = (value as {toJSON?: unknown}).toJSON
  if (typeof toJSON === 'function') return snakeCaseKeys(toJSON.call(value))
  const keep = isDataMap(value)
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue
    out[keep ? key : snakeCaseKey(key)] = snakeCaseKeys(item)
  }
  return out
}

export interface JsonDocument {
  format_version: number
  [key: string]: unknown
}

/** The document for a command's data: `format_version` first, then the data's keys in snake_case. */
export function jsonDocument(data: object): JsonDocument {
  if (Array.isArray(data)) throw new TypeError('a JSON document is an object: name the list (e.g. {clusters: [...]})')
  return {format_version: JSON_FORMAT_VERSION, ...(snakeCaseKeys(data) as Record<string, unknown>)}
}

export interface ErrorDocument extends JsonDocument {
  name: string
  code: string
  message: string
  exit_code: number
  actions: string[]
  details?: unknown
}

const BUG = 'This is a bug in ai-how or a plugin: rerun with DEBUG=ai-how* and report it.'

/** The document of any error under --json; an error that is not an ai-how error is an internal failure (exit 1). */
export function errorDocument(error: unknown): ErrorDocument {
  if (!isAiHowError(error)) {
    const message = error instanceof Error ? error.message : String(error)
    const name = error instanceof Error ? error.name : 'Error'
    return {format_version: JSON_FORMAT_VERSION, name, code: 'INTERNAL', message, exit_code: EXIT_FAILED, actions: [BUG]}
  }
  const doc: ErrorDocument = {
    format_version: JSON_FORMAT_VERSION,
    name: error.name,
    code: error.code,
    message: error.message,
    exit_code: error.exitCode,
    actions: [...error.actions],
  }
  if (error.details !== undefined) doc.details = snakeCaseKeys(error.details)
  return doc
}

/** The text of a document as ai-how prints it: two-space indented, one trailing newline. */
export function documentText(doc: JsonDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`
}
