/** `ai-how render`: the config after variable expansion, as YAML (comments and key order kept) or data. */
import {MAX_ALIAS_VALUES} from './aliases.js'
import type {Variables} from './expand.js'
import {configError, readConfigSource} from './source.js'

export interface RenderedConfig {
  file: string
  yaml: string
  data: unknown
}

/** Expands `file`; throws ConfigError (exit 2) when the YAML is broken or a variable is unset. */
export async function renderConfig(file: string, env: Variables = process.env, cwd = process.cwd()): Promise<RenderedConfig> {
  const source = await readConfigSource(file, env, cwd)
  if (source.issues.length > 0) throw configError(source.display, source.issues)
  return {file: source.file, yaml: source.doc.toString(), data: source.doc.toJS({maxAliasCount: MAX_ALIAS_VALUES})}
}
