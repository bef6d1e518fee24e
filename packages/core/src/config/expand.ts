/**
 * Variable expansion in string values: `${VAR}`, `${VAR:-default}`, `$VAR`, and `$$` for a literal `$`.
 * Keys are never expanded. Every unset variable is reported (not only the first).
 */
import {existsSync} from 'node:fs'
import path from 'node:path'
import type {Document, Scalar} from 'yaml'
import {isMap, isScalar, isSeq} from 'yaml'
import type {ConfigIssue, SourceLocator, YamlPath} from '../contracts/config.js'
import {formatPath} from './positions.js'

export type Variables = Readonly<Record<string, string | undefined>>

export interface Expansion {
  value: string
  /** Variables referenced without a default and not set. */
  unset: string[]
  /** `${...}` expressions that are not `${VAR}` or `${VAR:-default}`, or are not closed. */
  invalid: string[]
}

const NAME = /^[A-Za-z_]\w*/
const BRACED = /^([A-Za-z_]\w*)(?::-([\s\S]*))?$/

function closingBrace(text: string, open: number): number {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++
    else if (text[i] === '}' && --depth === 0) return i
  }
  return -1
}

/** Expands one string. Unset variables expand to '' and are listed in `unset`. */
export function expandString(text: string, vars: Variables): Expansion {
  const result: Expansion = {value: '', unset: [], invalid: []}
  const addUnset = (name: string): void => {
    if (!result.unset.includes(name)) result.unset.push(name)
  }
  let i = 0
  while (i < text.length) {
    const dollar = text.indexOf('$', i)
    if (dollar < 0) {
      result.value += text.slice(i)
      break
    }
    result.value += text.slice(i, dollar)
    const next = text[dollar + 1]
    if (next === '$') {
      result.value += '$'
      i = dollar + 2
    } else if (next === '{') {
      const end = closingBrace(text, dollar + 1)
      if (end < 0) {
        result.invalid.push(text.slice(dollar))
        result.value += text.slice(dollar)
        break
      }
      const match = BRACED.exec(text.slice(dollar + 2, end))
      const name = match?.[1]
      if (!match || name === undefined) {
        result.invalid.push(text.slice(dollar, end + 1))
        result.value += text.slice(dollar, end + 1)
      } else if (match[2] !== undefined && (vars[name] ?? '') === '') {
        const inner = expandString(match[2], vars)
        result.value += inner.value
        inner.unset.forEach(addUnset)
        result.invalid.push(...inner.invalid)
      } else {
        const value = vars[name]
        if (value === undefined) addUnset(name)
        result.value += value ?? ''
      }
      i = end + 1
    } else {
      const name = NAME.exec(text.slice(dollar + 1))?.[0]
      if (name === undefined) {
        result.value += '$'
        i = dollar + 1
      } else {
        const value = vars[name]
        if (value === undefined) addUnset(name)
        result.value += value ?? ''
        i = dollar + 1 + name.length
      }
    }
  }
  return result
}

/** Nearest ancestor of `dir` (itself included) that holds `.git`; `dir` when there is none. */
export function findTot(dir: string): string {
  let current = path.resolve(dir)
  for (;;) {
    if (existsSync(path.join(current, '.git'))) return current
    const parent = path.dirname(current)
    if (parent === current) return path.resolve(dir)
    current = parent
  }
}

/** The variables a config sees: the environment, plus TOT (from the config's folder) and PWD (the cwd). */
export function expansionVariables(configDir: string, env: Variables, cwd: string): Variables {
  return {...env, TOT: findTot(configDir), PWD: cwd}
}

const BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/
const NUMBER = /^[-+]?(?:\d+|\.\d+|\d+\.\d*)(?:[eE][-+]?\d+)?$/

/** An unquoted scalar keeps YAML typing after expansion: `cpu_cores: ${CORES:-4}` is the number 4. */
function retype(value: string): string | number | boolean {
  if (BOOL.test(value)) return value.toLowerCase() === 'true'
  if (NUMBER.test(value)) return Number(value)
  return value
}

function eachStringScalar(node: unknown, at: YamlPath, visit: (scalar: Scalar, at: YamlPath) => void): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
      eachStringScalar(pair.value, [...at, key], visit)
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      eachStringScalar(item, [...at, i], visit)
    })
  } else if (isScalar(node) && typeof node.value === 'string') {
    visit(node, at)
  }
}

export interface DocumentExpansion {
  issues: ConfigIssue[]
  /** Paths of the values that referenced an unset variable or a bad expression. */
  failedPaths: YamlPath[]
}

/** Expands every string value of `doc` in place (aliases follow their anchor) and reports what failed. */
export function expandDocument(doc: Document, vars: Variables, locator: SourceLocator): DocumentExpansion {
  const out: DocumentExpansion = {issues: [], failedPaths: []}
  eachStringScalar(doc.contents, [], (scalar, at) => {
    const original = scalar.value as string
    if (!original.includes('$')) return
    const expansion = expandString(original, vars)
    const {line, column} = locator.locate(at)
    const base = {severity: 'error' as const, file: locator.file, line, column, path: formatPath(at)}
    for (const name of expansion.unset) {
      out.issues.push({
        ...base,
        code: 'var.unset',
        message: `variable ${name} is not set (used in ${JSON.stringify(original)})`,
        fix: `export ${name}=... before running ai-how, or give a default: \${${name}:-default}`,
      })
    }
    for (const expression of expansion.invalid) {
      out.issues.push({
        ...base,
        code: 'var.syntax',
        message: `unsupported or unclosed expression ${JSON.stringify(expression)}`,
        fix: 'use ${VAR} or ${VAR:-default}; write $$ for a literal $',
      })
    }
    if (expansion.unset.length > 0 || expansion.invalid.length > 0) out.failedPaths.push(at)
    scalar.value = scalar.type === 'PLAIN' && expansion.value !== original ? retype(expansion.value) : expansion.value
  })
  return out
}
