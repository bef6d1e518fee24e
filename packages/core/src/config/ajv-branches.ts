/**
 * Replaces every failed `oneOf` / `anyOf` with the errors of the branch the data came closest to,
 * so that an error inside one list item is reported at that item's field instead of as "not valid
 * under any of the given schemas". When every branch fails at the value itself, the result is one
 * `alternatives` error listing what each branch expects.
 */
import type {ErrorObject} from 'ajv/dist/2020.js'
import type {ConfigValidator} from './ajv.js'

const ALTERNATIVES = new Set(['oneOf', 'anyOf'])
/** Keywords that mean "this branch describes another kind of value altogether". */
const MISMATCH = new Set(['type', 'const', 'enum', 'false schema'])

function depth(pointer: string): number {
  return pointer === '' ? 0 : pointer.split('/').length - 1
}

function isAtOrUnder(pointer: string, prefix: string): boolean {
  return pointer === prefix || pointer.startsWith(`${prefix}/`)
}

function signature(error: ErrorObject): string {
  return `${error.instancePath}\u0000${error.keyword}\u0000${JSON.stringify(error.params)}`
}

interface Branch {
  errors: ErrorObject[]
  mismatch: boolean
  depth: number
}

function rank(a: Branch, b: Branch): number {
  return Number(a.mismatch) - Number(b.mismatch) || b.depth - a.depth || a.errors.length - b.errors.length
}

function branchesOf(alternative: ErrorObject, validator: ConfigValidator): Branch[] {
  const at = alternative.instancePath
  const schemas = Array.isArray(alternative.schema) ? (alternative.schema as unknown[]) : []
  return schemas.map((schema) => {
    const errors = validator.validateSubschema(schema, alternative.data).map((e) => ({...e, instancePath: at + e.instancePath}))
    return {
      errors,
      mismatch: errors.some((e) => e.instancePath === at && MISMATCH.has(e.keyword)),
      depth: Math.max(...errors.map((e) => depth(e.instancePath))),
    }
  })
}

function resolveOne(alternative: ErrorObject, branches: Branch[]): ErrorObject[] {
  const passing = (alternative.params as {passingSchemas?: number[] | null}).passingSchemas
  if (Array.isArray(passing)) return [{...alternative, keyword: 'ambiguous'}]
  const at = alternative.instancePath
  if (branches.length > 0 && branches.every((b) => b.errors.every((e) => e.instancePath === at))) {
    return [{...alternative, keyword: 'alternatives', params: {branches: branches.map((b) => b.errors)}}]
  }
  const best = [...branches].sort(rank)[0]
  return best ? best.errors : [alternative]
}

/** The errors with every oneOf/anyOf (outermost first) replaced by its best branch's errors. */
export function resolveAlternatives(errors: readonly ErrorObject[], validator: ConfigValidator, budget = 50): ErrorObject[] {
  const candidates = errors.filter((e) => ALTERNATIVES.has(e.keyword))
  const outer = candidates.sort((a, b) => depth(a.instancePath) - depth(b.instancePath))[0]
  if (!outer || budget <= 0) return [...errors]
  const branches = branchesOf(outer, validator)
  const produced = new Set(branches.flatMap((b) => b.errors).map(signature))
  const rest = errors.filter((e) => e !== outer && !(isAtOrUnder(e.instancePath, outer.instancePath) && produced.has(signature(e))))
  return resolveAlternatives([...rest, ...resolveOne(outer, branches)], validator, budget - 1)
}
