/**
 * Base of the per-kind commands (`ai-how <kind> start|stop|status|destroy CONFIG`): loads the
 * installed kinds and the config, picks this kind's section and builds the ClusterContext that the
 * kind's extensions receive. A plugin's command only names its kind and calls one extension.
 */
import {Args} from '@oclif/core'
import path from 'node:path'
import {AiHowCommand} from './command.js'
import {loadConfig} from './config/index.js'
import type {Config} from '@oclif/core'
import type {ClusterDescription} from './contracts/cluster.js'
import type {ClusterContext, ClusterContributions, ClusterKind, ExtensionMap, ExtensionPoint, NodeContribution} from './contracts/extensions.js'
import type {LoadedConfig} from './contracts/config.js'
import {ConfigError} from './errors.js'
import {callHook, findExtension, loadClusterKinds, resolveExtension} from './plugins.js'
import {resolveStatePath} from './state/index.js'

/** The contribution hooks of all plugins, bound to one cluster. */
export function clusterContributions(config: Config, kind: string, cluster: ClusterDescription, statePath: string): ClusterContributions {
  return {
    async forNode(node) {
      const answers = await callHook(config, 'ai-how:node-contributions', {kind, cluster, node})
      return answers.map((a) => a.result).filter((r): r is NodeContribution => r !== undefined)
    },
    async lifecycle(phase, node, libvirtUri) {
      await callHook(config, 'ai-how:node-lifecycle', {phase, kind, cluster, node, statePath, libvirtUri})
    },
    async hostChecks(nodes) {
      const scope = nodes === undefined ? cluster : {...cluster, nodes: [...nodes]}
      const answers = await callHook(config, 'ai-how:host-checks', {clusters: [scope], hostRoot: process.env.AI_HOW_SYSFS_ROOT ?? '/'})
      return answers.flatMap((a) => (Array.isArray(a.result) ? a.result : []))
    },
  }
}

export interface LoadedCluster {
  kind: ClusterKind
  ctx: ClusterContext
}

/** Builds the context of one cluster kind from a config file (or a config already loaded with these kinds). */
export async function loadCluster(
  command: AiHowCommand,
  kinds: ClusterKind[],
  kindKey: string,
  config: string | LoadedConfig,
  options: {state?: string | undefined; signal: AbortSignal; flags: Record<string, unknown>},
): Promise<LoadedCluster> {
  const kind = kinds.find((k) => k.key === kindKey)
  if (!kind) {
    throw new ConfigError(`no installed plugin provides the cluster kind "${kindKey}"`, {
      code: 'KIND_UNKNOWN',
      actions: [`Installed kinds: ${kinds.map((k) => k.key).join(', ') || 'none'}. Install the plugin that provides it: ai-how plugins install NAME.`],
    })
  }
  const loaded: LoadedConfig = typeof config === 'string' ? await loadConfig(config, kinds) : config
  const section = loaded.config.clusters[kindKey]
  if (section === undefined) {
    throw new ConfigError(`${loaded.file} has no clusters.${kindKey} section`, {
      code: 'KIND_NOT_IN_CONFIG',
      actions: [`Add a clusters.${kindKey} section, or use the command of a kind the file describes: ${Object.keys(loaded.config.clusters).join(', ')}.`],
    })
  }
  const statePath = resolveStatePath(options.state)
  const cluster = kind.describe(section, loaded)
  const ctx: ClusterContext = {
    kind: kindKey,
    loaded,
    section,
    cluster,
    statePath,
    outputDir: path.dirname(statePath),
    log: command.aiHowLogger(),
    signal: options.signal,
    options: options.flags,
    contributions: clusterContributions(command.config, kindKey, cluster, statePath),
    resolve: (point) => findExtension(command.config, point, kind),
  }
  return {kind, ctx}
}

export abstract class ClusterCommand extends AiHowCommand {
  static override args = {
    config: Args.string({required: true, description: 'cluster configuration file (YAML)'}),
  }

  /** Loads the context of `kindKey` from CONFIG and resolves one extension point for it. */
  protected async extension<P extends ExtensionPoint>(
    kindKey: string,
    point: P,
    configFile: string,
    flags: Record<string, unknown> & {state?: string | undefined},
    signal: AbortSignal,
  ): Promise<{impl: ExtensionMap[P]; ctx: ClusterContext}> {
    const kinds = await loadClusterKinds(this.config)
    const {kind, ctx} = await loadCluster(this, kinds, kindKey, configFile, {state: flags.state, signal, flags})
    const impl = await resolveExtension(this.config, point, kind)
    return {impl, ctx}
  }
}
