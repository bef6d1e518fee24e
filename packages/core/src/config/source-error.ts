/** The one ConfigError a config file's issues become. */
import type {ConfigIssue} from '../contracts/config.js'
import {ConfigError} from '../errors.js'
import {formatIssues} from './format.js'

/** The ConfigError for these issues: exit 2, the issues formatted in the message, all of them in `details`. */
export function configError(display: string, issues: readonly ConfigIssue[]): ConfigError {
  const errors = issues.filter((i) => i.severity === 'error').length
  return new ConfigError(`invalid config ${display} (${errors} error${errors === 1 ? '' : 's'}):\n${formatIssues(issues)}`, {
    code: 'CONFIG_INVALID',
    details: [...issues],
    actions: [`Fix the errors above, then check again with \`ai-how validate ${display}\`.`],
  })
}
