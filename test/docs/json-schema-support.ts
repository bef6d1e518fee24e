/**
 * The JSON Schemas of docs/json/ for tests: one ajv (draft 2020-12, strict mode) holding all of
 * them, so that a test checks a command's --json document against its schema by name, that no key
 * of it is camelCase, and that the schema is tight: renaming any key of the document makes it fail.
 */
import assert from 'node:assert/strict'
import {readFileSync, readdirSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {isCamelCase} from '../../packages/core/src/output/json-document.js'

export const JSON_DOCS = path.resolve(import.meta.dirname, '../../docs/json')
const BASE = 'https://ai-how.dev/schemas/json/'

/** The schema names of docs/json (`plan` for plan.schema.json). */
export function schemaNames(): string[] {
  return readdirSync(JSON_DOCS).filter((f) => f.endsWith('.schema.json')).map((f) => f.slice(0, -'.schema.json'.length)).sort()
}

interface Validator {
  (data: unknown): boolean
  errors?: {instancePath: string; keyword: string; message?: string; params: unknown}[] | null
}
interface Ajv {
  addSchema(schema: object): Ajv
  getSchema(id: string): Validator | undefined
}

/**
 * ajv 8 as core resolves it (the repository root holds eslint's ajv 6): the same library and version
 * that validates configs, with its draft 2020-12 class.
 */
function newAjv(): Ajv {
  const require = createRequire(path.resolve(import.meta.dirname, '../../packages/core/package.json'))
  const {Ajv2020} = require('ajv/dist/2020') as {Ajv2020: new (options: object) => Ajv}
  return new Ajv2020({allErrors: true, strict: true})
}

let shared: Ajv | undefined

/** One ajv, strict, with every schema of docs/json added and compiled (a schema strict mode refuses throws here). */
export function schemas(): Ajv {
  if (shared) return shared
  const ajv = newAjv()
  for (const name of schemaNames()) ajv.addSchema(JSON.parse(readFileSync(path.join(JSON_DOCS, `${name}.schema.json`), 'utf8')) as object)
  for (const name of schemaNames()) ajv.getSchema(`${BASE}${name}.schema.json`)
  shared = ajv
  return ajv
}

/** Why `doc` does not match docs/json/<name>.schema.json (empty when it does). */
export function schemaErrors(name: string, doc: unknown): string[] {
  const validate = schemas().getSchema(`${BASE}${name}.schema.json`)
  assert.ok(validate, `no docs/json/${name}.schema.json`)
  if (validate(doc)) return []
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`)
}

/** The JSON paths of every camelCase key in `value` (no ai-how document maps data by camelCase names). */
export function camelCaseKeys(value: unknown, at = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => camelCaseKeys(item, `${at}[${String(i)}]`))
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([key, item]) => [...(isCamelCase(key) ? [`${at}.${key}`] : []), ...camelCaseKeys(item, `${at}.${key}`)])
}

/** Every copy of `doc` with one key renamed (`<key>X`), with the path of that key; `open` paths are skipped. */
export function* withOneKeyRenamed(doc: unknown, open: RegExp[] = [], at = '$'): Generator<[string, unknown]> {
  if (Array.isArray(doc)) {
    const items: unknown[] = doc
    for (const [i, item] of items.entries()) {
      for (const [where, changed] of withOneKeyRenamed(item, open, `${at}[${String(i)}]`)) yield [where, items.map((x, j) => (j === i ? changed : x))]
    }
    return
  }
  if (typeof doc !== 'object' || doc === null || open.some((o) => o.test(at))) return
  const entries = Object.entries(doc)
  for (const [k, [key, value]] of entries.entries()) {
    yield [`${at}.${key}`, Object.fromEntries(entries.map(([n, v], j) => (j === k ? [`${n}X`, v] : [n, v])))]
    for (const [where, changed] of withOneKeyRenamed(value, open, `${at}.${key}`)) yield [where, {...(doc as Record<string, unknown>), [key]: changed}]
  }
}

/** `doc` is a document of docs/json/<name>.schema.json: it matches, has no camelCase key, and fails once any key is renamed. */
export function assertDocument(name: string, doc: unknown, open: RegExp[] = []): void {
  assert.deepEqual(schemaErrors(name, doc), [], `${name}: ${JSON.stringify(doc, null, 2).slice(0, 3000)}`)
  assert.deepEqual(camelCaseKeys(doc), [], `${name}: camelCase keys`)
  assert.equal(Object.keys(doc as object)[0], 'format_version', `${name}: format_version is not the first key`)
  for (const [where, renamed] of withOneKeyRenamed(doc, open)) {
    assert.notDeepEqual(schemaErrors(name, renamed), [], `${name}: renaming ${where} still matches the schema`)
  }
}
