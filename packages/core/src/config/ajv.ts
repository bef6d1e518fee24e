/**
 * The ajv (draft 2020-12) validator of a config: all errors, verbose (errors carry their data and
 * schema), strict ipv4 format, and the two keywords kinds may use in their fragments:
 * `aiHowPath: true` (a file path, resolved in the data against the config's folder, `~` = HOME)
 * and `aiHowHint: "text"` (extra fix text for errors at that field).
 */
import type * as Ajv2020Module from 'ajv/dist/2020.js'
import type {Ajv2020, ErrorObject, KeywordCxt, ValidateFunction} from 'ajv/dist/2020.js'
import type addFormatsModule from 'ajv-formats'
import {createRequire} from 'node:module'
import path from 'node:path'
import type {JsonSchema} from '../contracts/extensions.js'
import {cacheFile, loadCached, saveCached, type Runtime} from './ajv-cache.js'
import {isIpv4, isIpv4Cidr} from './ipv4.js'

// ajv and ajv-formats (CommonJS) are loaded when a validator is made, not when this module is
// imported (start-up time of the commands that validate nothing: bench/startup.mjs).
const require = createRequire(import.meta.url)

export interface PathContext {
  /** Folder relative paths resolve against. */
  dir: string
  /** What `~` stands for. */
  home: string
}

export function resolveConfigPath(value: string, context: PathContext): string {
  if (value === '~') return context.home
  if (value.startsWith('~/')) return path.join(context.home, value.slice(2))
  return path.resolve(context.dir, value)
}

/** Every schema object, mapped to the base URI its relative `$ref`s resolve against. */
function baseUris(schema: unknown, base: string, into: WeakMap<object, string>): void {
  if (Array.isArray(schema)) {
    for (const item of schema) baseUris(item, base, into)
  } else if (typeof schema === 'object' && schema !== null) {
    const id = (schema as JsonSchema).$id
    const own = typeof id === 'string' ? new URL(id, base).href.replace(/#.*$/, '') : base
    into.set(schema, own)
    for (const value of Object.values(schema)) baseUris(value, own, into)
  }
}

/** A copy of a subschema that compiles on its own: `$ref`s made absolute, `$id`s and anchors dropped. */
function standalone(schema: unknown, base: string, bases: WeakMap<object, string>): unknown {
  if (Array.isArray(schema)) return schema.map((item: unknown) => standalone(item, base, bases))
  if (typeof schema !== 'object' || schema === null) return schema
  const own = bases.get(schema) ?? base
  const out: JsonSchema = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$id' || key === '$anchor' || key === '$dynamicAnchor') continue
    out[key] = (key === '$ref' || key === '$dynamicRef') && typeof value === 'string' ? new URL(value, own).href : standalone(value, own, bases)
  }
  bases.set(out, own)
  return out
}

export interface ConfigValidator {
  /** Validates (and resolves aiHowPath fields in) `data`; returns every error. */
  validate(data: unknown): ErrorObject[]
  /** Validates `data` against one subschema of the schema (a oneOf/anyOf branch). */
  validateSubschema(subschema: unknown, data: unknown): ErrorObject[]
}

/** The context aiHowPath values resolve against while a validator runs (set by validate()). */
let current: PathContext = {dir: '/', home: '/'}
function resolveAiHowPath(value: string): string {
  return resolveConfigPath(value, current)
}

/** What the generated code requires besides packages: the formats and the aiHowPath resolver. */
function runtime(): Runtime {
  const {fullFormats} = require('ajv-formats/dist/formats') as {fullFormats: Record<string, unknown>}
  return {'ai-how:formats': {...fullFormats, ipv4: isIpv4, 'ipv4-cidr': isIpv4Cidr}, 'ai-how:path': {resolve: resolveAiHowPath}}
}

function newAjv(): Ajv2020 {
  const {Ajv2020: Ajv, _} = require('ajv/dist/2020.js') as typeof Ajv2020Module
  // ajv-formats is CommonJS: module.exports is the plugin function.
  const addFormats = require('ajv-formats') as typeof addFormatsModule.default
  const code = {source: true, formats: _`require("ai-how:formats")`}
  const ajv = new Ajv({allErrors: true, verbose: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false, code})
  addFormats(ajv)
  ajv.addFormat('ipv4', isIpv4)
  ajv.addFormat('ipv4-cidr', isIpv4Cidr)
  ajv.addKeyword({keyword: 'aiHowHint', schemaType: 'string'})
  // Generated code (not a validate function) so that ajv can write the validator as standalone code.
  ajv.addKeyword({
    keyword: 'aiHowPath',
    type: 'string',
    schemaType: 'boolean',
    errors: false,
    code(cxt: KeywordCxt) {
      if (cxt.schema !== true) return
      const {gen, data, it} = cxt
      const resolve = gen.scopeValue('func', {ref: resolveAiHowPath, code: _`require("ai-how:path").resolve`})
      const target = _`${it.parentData}[${it.parentDataProperty}]`
      gen.if(_`${data} !== "" && ${it.parentData} !== undefined`, () => {
        gen.assign(target, _`${resolve}(${data})`)
        gen.assign(data, target)
      })
    },
  })
  return ajv
}

/**
 * Compiles `schema`; throws ajv's error when a fragment is not a valid schema. A config is checked
 * first by the cached standalone validator (ajv-cache.ts) when there is one; only a config it finds
 * invalid is validated again by the compiled one, whose errors (and their schema objects) the
 * messages are made from.
 */
export function createValidator(schema: JsonSchema, paths: PathContext): ConfigValidator {
  const file = cacheFile(schema)
  const cached: ValidateFunction | undefined = loadCached(file, runtime())
  let compiled: {ajv: Ajv2020; root: ValidateFunction} | undefined
  const full = (): {ajv: Ajv2020; root: ValidateFunction} => {
    if (!compiled) {
      const ajv = newAjv()
      compiled = {ajv, root: ajv.compile(schema)}
      if (!cached) saveCached(file, ajv, compiled.root)
    }
    return compiled
  }
  if (!cached) full()
  const bases = new WeakMap<object, string>()
  baseUris(schema, typeof schema.$id === 'string' ? schema.$id : 'urn:ai-how:config', bases)
  const branches = new WeakMap<object, ValidateFunction>()
  return {
    validate(data) {
      current = paths
      // On a copy: a config found invalid is validated again, from the values as written.
      if (cached?.(structuredClone(data)) === true) {
        void cached(data)
        return []
      }
      const {root} = full()
      return root(data) ? [] : [...(root.errors ?? [])]
    },
    validateSubschema(subschema, data) {
      if (typeof subschema === 'boolean') return subschema ? [] : [{instancePath: '', schemaPath: '#', keyword: 'false schema', params: {}, message: 'boolean schema is false', data}]
      if (typeof subschema !== 'object' || subschema === null) return []
      let fn = branches.get(subschema)
      if (!fn) {
        fn = full().ajv.compile(standalone(subschema, bases.get(subschema) ?? 'urn:ai-how:config', bases) as JsonSchema)
        branches.set(subschema, fn)
      }
      current = paths
      return fn(data) ? [] : [...(fn.errors ?? [])]
    },
  }
}

/** Checks one fragment alone (to name the plugin whose schema does not compile). */
export function fragmentCompileError(fragment: JsonSchema): string | undefined {
  try {
    const alone: JsonSchema = {...fragment}
    delete alone.$id
    newAjv().compile(alone)
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}
