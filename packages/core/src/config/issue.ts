/** Building one ConfigIssue at a YAML path. */
import type {ConfigIssue, SourceLocator, YamlPath} from '../contracts/config.js'
import {formatPath} from './positions.js'

export interface IssueFields {
  code: string
  message: string
  fix: string
  severity?: ConfigIssue['severity']
  /** Point at the key of `path` rather than its value. */
  atKey?: boolean
}

export function issueAt(locator: SourceLocator, path: YamlPath, fields: IssueFields): ConfigIssue {
  const {line, column} = locator.locate(path, {key: fields.atKey === true})
  return {
    severity: fields.severity ?? 'error',
    code: fields.code,
    file: locator.file,
    line,
    column,
    path: formatPath(path),
    message: fields.message,
    fix: fields.fix,
  }
}

/** Errors first by position, then warnings by position. */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const rank = (i: ConfigIssue): number => (i.severity === 'error' ? 0 : 1)
  return [...issues].sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.column - b.column || a.path.localeCompare(b.path))
}
