/** The checks that run on the kinds' ClusterDescriptions once their sections passed the schema. */
import type {ClusterDescription} from '../contracts/cluster.js'
import type {AiHowConfig, ConfigIssue, LoadedConfig} from '../contracts/config.js'
import type {ClusterKindRegistration} from '../contracts/extensions.js'
import {PluginContractError} from '../errors.js'
import {deviceIssues} from './semantic-devices.js'
import {clusterNameIssues} from './semantic-names.js'
import {networkIssues} from './semantic-network.js'

export interface DescribedCluster {
  kind: ClusterKindRegistration
  section: unknown
  cluster: ClusterDescription
}

function pluginOf(kind: ClusterKindRegistration): string {
  const plugin = (kind as {plugin?: unknown}).plugin
  return typeof plugin === 'string' ? plugin : `the plugin of cluster kind "${kind.key}"`
}

function contractError(kind: ClusterKindRegistration, what: string, error: unknown): PluginContractError {
  const reason = error instanceof Error ? error.message : String(error)
  return new PluginContractError(`${pluginOf(kind)} failed in ${what} of cluster kind "${kind.key}": ${reason}`, {
    code: 'PLUGIN_KIND_FAILED',
    cause: error,
    actions: [`Update or reinstall ${pluginOf(kind)}; if it persists, report it with this config.`],
  })
}

/**
 * Calls describe() of every installed kind present in the config (in file order), skipping `skip`.
 * A kind in `tolerate` (its section holds a value whose expansion failed) that throws is left out
 * instead of being reported as a plugin failure.
 */
export function describeClusters(
  loaded: Omit<LoadedConfig, 'warnings'>,
  kinds: readonly ClusterKindRegistration[],
  skip: ReadonlySet<string> = new Set(),
  tolerate: ReadonlySet<string> = new Set(),
): DescribedCluster[] {
  const config = loaded.config as Partial<AiHowConfig> | null
  const sections: unknown = config?.clusters
  if (typeof sections !== 'object' || sections === null || Array.isArray(sections)) return []
  const out: DescribedCluster[] = []
  for (const [key, section] of Object.entries(sections)) {
    const kind = kinds.find((k) => k.key === key)
    if (!kind || skip.has(key)) continue
    try {
      out.push({kind, section, cluster: kind.describe(section, loaded)})
    } catch (error) {
      if (!tolerate.has(key)) throw contractError(kind, 'describe()', error)
    }
  }
  return out
}

/** Core's semantic checks over all described clusters, plus each kind's own check() (one in `tolerate` may throw: see describeClusters). */
export function semanticIssues(loaded: Omit<LoadedConfig, 'warnings'>, described: readonly DescribedCluster[], tolerate: ReadonlySet<string> = new Set()): ConfigIssue[] {
  const clusters = described.map((d) => d.cluster)
  const issues = [...clusterNameIssues(clusters, loaded.locator), ...networkIssues(clusters, loaded.locator), ...deviceIssues(clusters, loaded.locator)]
  for (const {kind, section} of described) {
    if (!kind.check) continue
    try {
      // A kind may name the file by its absolute path: show it the way core's own issues do.
      issues.push(...kind.check(section, loaded).map((i) => (i.file === loaded.file ? {...i, file: loaded.locator.file} : i)))
    } catch (error) {
      if (!tolerate.has(kind.key)) throw contractError(kind, 'check()', error)
    }
  }
  return issues
}
