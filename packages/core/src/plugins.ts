/**
 * Calls ai-how's custom hook events and never swallows a failure: oclif's runHook collects thrown
 * errors in `failures`; they are raised here with the name of the plugin that threw.
 */
import type {Config} from '@oclif/core'
import type {AiHowEvent, AiHowHooks} from './contracts/hooks.js'
import type {ClusterKind, ExtensionMap, ExtensionPoint} from './contracts/extensions.js'
import {PluginContractError, isAiHowError} from './errors.js'

export interface HookAnswer<T> {
  plugin: string
  result: T
}

const DISCOVERY_TIMEOUT_MS = 10_000

/** Runs an ai-how hook in every plugin; throws the first failure (an ai-how error keeps its code, named with its plugin). */
export async function callHook<E extends AiHowEvent>(
  config: Config,
  event: E,
  options: AiHowHooks[E]['options'],
  timeoutMs?: number,
): Promise<HookAnswer<AiHowHooks[E]['return']>[]> {
  const res = await config.runHook<E, AiHowHooks>(event, options, timeoutMs, false)
  const [failure] = res.failures
  if (failure) {
    const pluginName = failure.plugin.name
    const error: Error = failure.error
    if (isAiHowError(error)) {
      Object.defineProperty(error, 'message', {value: `${pluginName}: ${error.message}`})
      throw failure.error
    }
    const message = error.message
    throw new PluginContractError(`plugin ${pluginName} failed in hook ${event}: ${message}`, {
      code: 'PLUGIN_HOOK_FAILED',
      cause: error,
      actions: [`Update or reinstall ${pluginName}, or remove it with \`ai-how plugins uninstall ${pluginName}\`.`],
    })
  }
  return res.successes.map((s) => ({plugin: s.plugin.name, result: s.result}))
}

const KIND_KEY = /^[a-z][a-z0-9-]{0,30}$/

/** Every cluster kind registered by the installed plugins, checked for clashes. */
export async function loadClusterKinds(config: Config): Promise<ClusterKind[]> {
  const answers = await callHook(config, 'ai-how:cluster-kinds', {}, DISCOVERY_TIMEOUT_MS)
  const kinds = new Map<string, ClusterKind>()
  for (const {plugin, result} of answers) {
    if (!Array.isArray(result)) continue
    for (const reg of result) {
      if (!KIND_KEY.test(reg.key) || typeof reg.describe !== 'function') {
        throw new PluginContractError(`plugin ${plugin} registered an invalid cluster kind ${JSON.stringify(reg.key)}`, {
          code: 'PLUGIN_INVALID_KIND',
          actions: ['A kind needs a lowercase key ([a-z][a-z0-9-]*), a schema and a describe() function.'],
        })
      }
      const other = kinds.get(reg.key)
      if (other) {
        throw new PluginContractError(`cluster kind "${reg.key}" is registered by both ${other.plugin} and ${plugin}`, {
          code: 'PLUGIN_KIND_CONFLICT',
          actions: [`Uninstall one of them: \`ai-how plugins uninstall ${plugin}\`.`],
        })
      }
      kinds.set(reg.key, {...reg, plugin})
    }
  }
  return [...kinds.values()].sort((a, b) => a.key.localeCompare(b.key))
}

const EVENTS: Record<ExtensionPoint, 'ai-how:provisioner' | 'ai-how:inventory-generator' | 'ai-how:deployer' | 'ai-how:health-checker'> = {
  provisioner: 'ai-how:provisioner',
  inventoryGenerator: 'ai-how:inventory-generator',
  deployer: 'ai-how:deployer',
  healthChecker: 'ai-how:health-checker',
}

/**
 * The implementation of one extension point for a kind, or undefined: a plugin answering the
 * point's hook event wins (one at most), else the kind's own registration provides it.
 */
export async function findExtension<P extends ExtensionPoint>(config: Config, point: P, kind: ClusterKind): Promise<ExtensionMap[P] | undefined> {
  const answers = (await callHook(config, EVENTS[point], {kind: kind.key}, DISCOVERY_TIMEOUT_MS)).filter((a) => a.result !== undefined)
  if (answers.length > 1) {
    throw new PluginContractError(`several plugins provide the ${point} of kind "${kind.key}": ${answers.map((a) => a.plugin).join(', ')}`, {
      code: 'PLUGIN_AMBIGUOUS',
      actions: ['Uninstall all but one of them with `ai-how plugins uninstall NAME`.'],
    })
  }
  return (answers[0]?.result ?? kind[point]) as ExtensionMap[P] | undefined
}

/** Like findExtension, but a kind without an implementation of `point` is an error. */
export async function resolveExtension<P extends ExtensionPoint>(config: Config, point: P, kind: ClusterKind): Promise<ExtensionMap[P]> {
  const impl = await findExtension(config, point, kind)
  if (!impl) {
    throw new PluginContractError(`no plugin provides the ${point} of cluster kind "${kind.key}"`, {
      code: 'PLUGIN_MISSING_EXTENSION',
      actions: [`Update ${kind.plugin}, or install a plugin that implements it.`],
    })
  }
  return impl
}
