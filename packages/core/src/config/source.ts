/** Reads a config file: YAML with positions, then variable expansion in every string value. */
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import type {Document} from 'yaml'
import {LineCounter, parseDocument} from 'yaml'
import type {ConfigIssue, SourceLocator, YamlPath} from '../contracts/config.js'
import {ConfigError} from '../errors.js'
import type {Variables} from './expand.js'
import {expandDocument, expansionVariables} from './expand.js'
import {formatIssues} from './format.js'
import {createLocator} from './positions.js'

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

/** The ConfigError for these issues: exit 2, the issues formatted in the message, all of them in `details`. */
export function configError(display: string, issues: readonly ConfigIssue[]): ConfigError {
  const errors = issues.filter((i) => i.severity === 'error').length
  return new ConfigError(`invalid config ${display} (${errors} error${errors === 1 ? '' : 's'}):\n${formatIssues(issues)}`, {
    code: 'CONFIG_INVALID',
    details: [...issues],
    actions: [`Fix the errors above, then check again with \`ai-how validate ${display}\`.`],
  })
}

const YAML_FIX: Record<string, string> = {
  DUPLICATE_KEY: 'remove or rename one of the two keys',
  MULTIPLE_DOCS: 'keep a single YAML document in the file (remove the extra ---)',
}

/** Reads, parses and expands `file`. Throws ConfigError when the file is unreadable or not valid YAML. */
export async function readConfigSource(file: string, env: Variables, cwd: string): Promise<ConfigSource> {
  const abs = path.resolve(cwd, file)
  const display = displayPath(abs, cwd)
  let text: string
  try {
    text = await readFile(abs, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
    throw new ConfigError(`cannot read config ${display}: ${reason}`, {code: 'CONFIG_NOT_FOUND', cause: error, actions: ['Check the path of the config file.']})
  }
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
  const dir = path.dirname(abs)
  const vars = expansionVariables(dir, env, cwd)
  const expansion = expandDocument(doc, vars, locator)
  return {file: abs, display, dir, tot: vars.TOT ?? dir, doc, locator, issues: expansion.issues, failedPaths: expansion.failedPaths}
}
