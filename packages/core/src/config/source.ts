/** Reads a config file: YAML with positions, then variable expansion in every string value. */
import path from 'node:path'
import type {Document} from 'yaml'
import {LineCounter, parseDocument} from 'yaml'
import type {ConfigIssue, SourceLocator, YamlPath} from '../contracts/config.js'
import {aliasExpansionIssue} from './aliases.js'
import type {Variables} from './expand.js'
import {expandDocument, expansionVariables} from './expand.js'
import {createLocator} from './positions.js'
import {configError} from './source-error.js'
import {readConfigText} from './source-text.js'

export {configError} from './source-error.js'

export interface ConfigSource {
  /** Absolute path. */
  file: string
  /** The path as issues show it (relative to the cwd when below it). */
  display: string
  dir: string
  tot: string
  /** The document, already expanded. */
  doc: Document
  locator: SourceLocator
  /** Expansion issues (unset variables, bad expressions). */
  issues: ConfigIssue[]
  /** Values whose expansion failed (their other issues would only repeat it). */
  failedPaths: YamlPath[]
}

export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file)
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative
}

const YAML_FIX: Record<string, string> = {
  DUPLICATE_KEY: 'remove or rename one of the two keys',
  MULTIPLE_DOCS: 'keep a single YAML document in the file (remove the extra ---)',
}

/** Reads, parses and expands `file`. Throws ConfigError when the file is unreadable, too large, not UTF-8, not valid YAML or an alias bomb. */
export async function readConfigSource(file: string, env: Variables, cwd: string): Promise<ConfigSource> {
  const abs = path.resolve(cwd, file)
  const display = displayPath(abs, cwd)
  const text = await readConfigText(abs, display)
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {lineCounter, merge: true, prettyErrors: true})
  const locator = createLocator(doc, lineCounter, display)
  if (doc.errors.length > 0) {
    throw configError(display, doc.errors.map((e): ConfigIssue => ({
      severity: 'error',
      code: `yaml.${e.code.toLowerCase().replaceAll('_', '-')}`,
      file: display,
      line: e.linePos?.[0].line ?? 1,
      column: e.linePos?.[0].col ?? 1,
      path: '(yaml)',
      message: (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ''),
      fix: YAML_FIX[e.code] ?? 'fix the YAML syntax here (indentation, quotes, brackets, a missing ":")',
    })))
  }
  const bomb = aliasExpansionIssue(doc, lineCounter, display)
  if (bomb !== undefined) throw configError(display, [bomb])
  const dir = path.dirname(abs)
  const vars = expansionVariables(dir, env, cwd)
  const expansion = expandDocument(doc, vars, locator)
  return {file: abs, display, dir, tot: vars.TOT ?? dir, doc, locator, issues: expansion.issues, failedPaths: expansion.failedPaths}
}
