/**
 * Turns ajv errors into ConfigIssues: one per problem, at the offending node (the unexpected key
 * for unknown keys, the parent map for missing keys), with a plain message and a fix.
 */
import type {ErrorObject} from 'ajv/dist/2020.js'
import type {ConfigIssue, SourceLocator, YamlPath} from '../contracts/config.js'
import type {ConfigValidator} from './ajv.js'
import {resolveAlternatives} from './ajv-branches.js'
import {formatPath, pointerToPath} from './positions.js'
import {closest, describeValue, expectedOf, hintOf, propertyNames, propertySchema, typeWords} from './words.js'

export interface SchemaIssueContext {
  locator: SourceLocator
  /** Keys of the installed cluster kinds. */
  kinds: readonly string[]
}

interface Finding {
  code: string
  path: YamlPath
  /** Point at the key of `path` rather than its value. */
  atKey?: boolean
  /** Point at this path instead of `path`. */
  at?: YamlPath
  message: string
  fix: string
  /** For an unknown key: the allowed key it most likely misspells. */
  renameTo?: string
}

type Params = Record<string, unknown>

function str(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function branchExpectation(errors: ErrorObject[]): string {
  const e = errors[0]
  if (!e) return 'a value'
  const p = e.params as Params
  if (e.keyword === 'type') return typeWords(p.type)
  if (e.keyword === 'const') return JSON.stringify(p.allowedValue)
  if (e.keyword === 'enum') return `one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
  if (e.keyword === 'format') return `a valid ${str(p.format)}`
  if (e.keyword === 'pattern') return `a string matching ${str(p.pattern)}`
  if (e.keyword === 'required') return `a map with key "${str(p.missingProperty)}"`
  return e.message ?? 'a value'
}

function unknownKey(e: ErrorObject, at: YamlPath, ctx: SchemaIssueContext): Finding {
  const p = e.params as Params
  const key = str(p.additionalProperty ?? p.unevaluatedProperty)
  const path = [...at, key]
  if (at.length === 1 && at[0] === 'clusters') {
    const guess = closest(key, ctx.kinds)
    return {
      code: 'clusters.unknown-kind',
      path,
      atKey: true,
      message: `unknown cluster kind "${key}"; installed kinds: ${ctx.kinds.join(', ') || '(none)'}`,
      fix: `install the plugin that provides it (ai-how plugins install <package>) or fix the key${guess ? ` (did you mean "${guess}"?)` : ''}`,
    }
  }
  const allowed = propertyNames(e.parentSchema)
  const guess = closest(key, allowed)
  const where = allowed.length > 0 ? `; allowed keys here: ${allowed.join(', ')}` : '; no other keys are allowed here'
  const finding: Finding = {code: 'schema.unknown-key', path, atKey: true, message: `unknown key "${key}"`, fix: `${guess ? `rename it to "${guess}"` : 'remove it'}${where}`}
  if (guess !== undefined) finding.renameTo = guess
  return finding
}

function finding(e: ErrorObject, hint: string | undefined, ctx: SchemaIssueContext): Finding {
  const at = pointerToPath(e.instancePath)
  const p = e.params as Params
  const found = describeValue(e.data)
  const base = {code: `schema.${e.keyword}`, path: at}
  switch (e.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return unknownKey(e, at, ctx)
    case 'required':
    case 'dependentRequired': {
      const missing = str(p.missingProperty)
      const child = propertySchema(e.parentSchema, missing)
      const when = e.keyword === 'dependentRequired' ? ` (needed with "${str(p.property)}")` : ''
      const where = at.length === 0 ? 'at the top level' : `under ${formatPath(at)}`
      const childHint = hintOf(child)
      const fix = `add ${missing}: <${expectedOf(child)}> ${where}${childHint ? ` (${childHint})` : ''}`
      return {...base, path: [...at, missing], at, message: `missing required key "${missing}"${when}`, fix}
    }
    case 'type': {
      const quote = String(p.type) === 'string' && (typeof e.data === 'number' || typeof e.data === 'boolean')
      return {...base, message: `found ${found}, expected ${typeWords(p.type)}`, fix: hint ?? (quote ? `quote it: "${String(e.data)}"` : `write ${typeWords(p.type)} here`)}
    }
    case 'const':
      return {...base, message: `found ${found}, expected ${JSON.stringify(p.allowedValue)}`, fix: hint ?? `write ${JSON.stringify(p.allowedValue)}`}
    case 'enum': {
      const values = (p.allowedValues as unknown[]).map(String)
      const guess = typeof e.data === 'string' ? closest(e.data, values) : undefined
      return {...base, message: `found ${found}, expected one of: ${values.join(', ')}`, fix: hint ?? (guess ? `did you mean "${guess}"?` : `use one of: ${values.join(', ')}`)}
    }
    case 'format':
      return {...base, message: `${found} is not a valid ${str(p.format)}`, fix: hint ?? `write a valid ${str(p.format)}`}
    case 'pattern':
      return {...base, message: `${found} does not have the expected form (pattern ${str(p.pattern)})`, fix: hint ?? `write a value matching ${str(p.pattern)}`}
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {...base, message: `found ${found}, expected a number ${str(p.comparison)} ${str(p.limit)}`, fix: hint ?? `use a value ${str(p.comparison)} ${str(p.limit)}`}
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems': {
      const unit = e.keyword.endsWith('Length') ? 'characters' : 'items'
      const bound = e.keyword.startsWith('min') ? 'at least' : 'at most'
      return {...base, message: `found ${found}, expected ${bound} ${str(p.limit)} ${unit}`, fix: hint ?? `use ${bound} ${str(p.limit)} ${unit}`}
    }
    case 'minProperties':
      if (at.length === 1 && at[0] === 'clusters') {
        return {...base, code: 'clusters.empty', message: 'no cluster is defined', fix: `add a cluster under clusters:, with one of the installed kinds: ${ctx.kinds.join(', ') || '(none: install a cluster kind plugin)'}`}
      }
      return {...base, message: `found ${found}, expected at least ${str(p.limit)} keys`, fix: hint ?? `add at least ${str(p.limit)} keys`}
    case 'uniqueItems':
      return {...base, path: [...at, Number(p.i)], message: `items ${str(p.j)} and ${str(p.i)} are the same`, fix: hint ?? 'remove the duplicate'}
    case 'alternatives': {
      const options = (p.branches as ErrorObject[][]).map(branchExpectation)
      return {...base, message: `found ${found}, expected ${options.join(', or ')}`, fix: hint ?? `write ${options[0] ?? 'one of the allowed forms'}`}
    }
    case 'ambiguous':
      return {...base, message: `${found} matches more than one of the allowed forms`, fix: hint ?? 'make it match exactly one of them (see `ai-how schema`)'}
    default:
      return {...base, message: `${found}: ${e.message ?? 'is not allowed here'}`, fix: hint ?? 'see `ai-how schema` for what is allowed here'}
  }
}

function prune(errors: ErrorObject[]): ErrorObject[] {
  const typed = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath))
  const seen = new Set<string>()
  return errors.filter((e) => {
    if (e.keyword === 'if' && errors.some((o) => o !== e && o.keyword !== 'if' && (o.instancePath === e.instancePath || o.instancePath.startsWith(`${e.instancePath}/`)))) return false
    if (e.keyword !== 'type' && typed.has(e.instancePath)) return false
    const key = `${e.instancePath}\u0000${e.keyword}\u0000${JSON.stringify(e.params)}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** Every schema error of a config as issues (not yet sorted). */
export function schemaIssues(raw: readonly ErrorObject[], validator: ConfigValidator, ctx: SchemaIssueContext): ConfigIssue[] {
  const errors = resolveAlternatives(raw, validator)
  const hints = new Map<string, string>()
  for (const e of [...raw, ...errors]) {
    const hint = hintOf(e.parentSchema)
    if (hint !== undefined && !hints.has(e.instancePath)) hints.set(e.instancePath, hint)
  }
  const findings = prune(errors).map((e) => finding(e, hintOf(e.parentSchema) ?? hints.get(e.instancePath), ctx))
  // A misspelt required key is one mistake: keep "unknown key (rename it to X)", drop "missing X".
  const renamed = new Set(findings.filter((f) => f.renameTo !== undefined).map((f) => formatPath([...f.path.slice(0, -1), f.renameTo ?? ''])))
  const issues: ConfigIssue[] = []
  const seen = new Set<string>()
  for (const f of findings) {
    if (f.code === 'schema.required' && renamed.has(formatPath(f.path))) continue
    const {line, column} = ctx.locator.locate(f.at ?? f.path, {key: f.atKey === true})
    const issue: ConfigIssue = {severity: 'error', code: f.code, file: ctx.locator.file, line, column, path: formatPath(f.path), message: f.message, fix: f.fix}
    const key = `${issue.path}\u0000${issue.message}`
    if (seen.has(key)) continue
    seen.add(key)
    issues.push(issue)
  }
  return issues
}
