/** Building ConfigIssues (file:line:column, dotted path, message, fix) for a kind's own checks. */
import type {ConfigIssue, LoadedConfig, YamlPath} from '@ai-how/core'

/** ['clusters', 'hpc', 'compute_nodes', 1, 'ip'] -> 'clusters.hpc.compute_nodes[1].ip' */
export function formatYamlPath(path: YamlPath): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else out += out === '' ? segment : `.${segment}`
  }
  return out
}

export function configIssue(
  loaded: Pick<LoadedConfig, 'file' | 'locator'>,
  path: YamlPath,
  issue: {code: string; message: string; fix: string; severity?: ConfigIssue['severity']},
): ConfigIssue {
  const {line, column} = loaded.locator.locate(path)
  return {
    severity: issue.severity ?? 'error',
    code: issue.code,
    file: loaded.file,
    line,
    column,
    path: formatYamlPath(path),
    message: issue.message,
    fix: issue.fix,
  }
}
