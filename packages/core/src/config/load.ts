/**
 * loadConfig: read, expand, validate against the assembled schema, describe every cluster and run
 * the semantic checks. Every problem is collected; one ConfigError (exit 2) carries them all.
 */
import os from 'node:os'
import type {AiHowConfig, ConfigIssue, LoadedConfig} from '../contracts/config.js'
import type {ClusterKindRegistration} from '../contracts/extensions.js'
import {PluginContractError} from '../errors.js'
import type {ConfigValidator, PathContext} from './ajv.js'
import {createValidator, fragmentCompileError} from './ajv.js'
import {schemaIssues} from './ajv-issues.js'
import {MAX_ALIAS_VALUES} from './aliases.js'
import type {Variables} from './expand.js'
import {sortIssues} from './issue.js'
import {formatPath} from './positions.js'
import {buildConfigSchema} from './schema.js'
import {describeClusters, semanticIssues} from './semantic.js'
import {controlCharacterIssues} from './semantic-control.js'
import {configError, readConfigSource} from './source.js'

export interface LoadOptions {
  /** Working directory (PWD, relative config paths); default process.cwd(). */
  cwd?: string
}

function compile(kinds: readonly ClusterKindRegistration[], paths: PathContext): ConfigValidator {
  try {
    return createValidator(buildConfigSchema(kinds), paths)
  } catch (error) {
    const culprit = kinds.find((k) => fragmentCompileError(k.schema) !== undefined)
    const owner = culprit ? ((culprit as {plugin?: string}).plugin ?? `cluster kind "${culprit.key}"`) : 'a cluster kind plugin'
    throw new PluginContractError(`the config schema of ${owner} does not compile: ${error instanceof Error ? error.message : String(error)}`, {
      code: 'PLUGIN_INVALID_SCHEMA',
      cause: error,
      actions: [`Update or reinstall ${owner}, or uninstall it with \`ai-how plugins uninstall\`.`],
    })
  }
}

function isUnderPath(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`)
}

/** Loads and validates a config; throws ConfigError (code CONFIG_INVALID, exit 2) with every issue. */
export async function loadConfig(file: string, kinds: readonly ClusterKindRegistration[], env: Variables = process.env, options: LoadOptions = {}): Promise<LoadedConfig> {
  const source = await readConfigSource(file, env, options.cwd ?? process.cwd())
  const data: unknown = source.doc.toJS({maxAliasCount: MAX_ALIAS_VALUES})
  const validator = compile(kinds, {dir: source.dir, home: env.HOME ?? os.homedir()})
  // A value whose expansion failed is reported once, by the expansion; its other issues would repeat it.
  const failed = new Set(source.failedPaths.map(formatPath))
  const notFailed = (i: ConfigIssue): boolean => !failed.has(i.path)
  // Before validate(), which resolves aiHowPath values: the issue names the character's place in the value as written.
  const control = controlCharacterIssues(data, source.locator).filter(notFailed)
  const schema = schemaIssues(validator.validate(data), validator, {locator: source.locator, kinds: kinds.map((k) => k.key)}).filter(notFailed)
  const loaded = {file: source.file, dir: source.dir, tot: source.tot, config: data as AiHowConfig, locator: source.locator}
  // describe() may rely on its section's shape and values: only sections without schema errors or control characters are described.
  const under = (paths: Iterable<string>): Set<string> => new Set(kinds.filter((k) => [...paths].some((p) => isUnderPath(p, formatPath(['clusters', k.key])))).map((k) => k.key))
  const broken = under([...control, ...schema].map((i) => i.path))
  // A section with a value whose expansion failed (an unset variable: '' where the schema promised
  // a name) may make describe() or check() throw: that kind is then skipped, its var.unset issue says why.
  const unexpanded = under(failed)
  const semantic = semanticIssues(loaded, describeClusters(loaded, kinds, broken, unexpanded), unexpanded).filter(notFailed)
  const all: ConfigIssue[] = [...source.issues, ...control, ...schema, ...semantic]
  const errors = sortIssues(all.filter((i) => i.severity === 'error'))
  const warnings = sortIssues(all.filter((i) => i.severity === 'warning'))
  if (errors.length > 0) throw configError(source.display, [...errors, ...warnings])
  return {...loaded, warnings}
}
