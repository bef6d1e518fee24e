/** Host checks of `validate --check-host` and `doctor CONFIG`: core's base-image, kernel and initrd checks plus every plugin's `ai-how:host-checks` answer. */
import type {Config} from '@oclif/core'
import type {ClusterDescription} from '../contracts/cluster.js'
import type {HostCheckResult} from '../contracts/extensions.js'
import {callHook} from '../plugins.js'
import {checkBootFiles} from './host-boot-files.js'
import {checkBaseImages} from './host-images.js'

async function pluginChecks(config: Config, clusters: ClusterDescription[], hostRoot: string, hostWide = false): Promise<HostCheckResult[]> {
  if (!hostWide && clusters.every((c) => c.nodes.length === 0)) return []
  const answers = await callHook(config, 'ai-how:host-checks', hostWide ? {clusters, hostRoot, hostWide} : {clusters, hostRoot})
  return answers.flatMap((a) => (Array.isArray(a.result) ? a.result : []))
}

/** Every plugin's host-wide checks with no cluster (`ai-how doctor` without CONFIG). */
export async function runHostWideChecks(config: Config, hostRoot: string): Promise<HostCheckResult[]> {
  return pluginChecks(config, [], hostRoot, true)
}

/**
 * The checks of the nodes that start (auto_start), then those of the nodes that do not: a check
 * that fails only for the latter is a warning (the cluster starts without them), named as such.
 * `hostWide` (doctor CONFIG) adds each plugin's host-wide checks to those of the starting nodes.
 */
export async function runHostChecks(config: Config, clusters: readonly ClusterDescription[], hostRoot: string, options: {hostWide?: boolean} = {}): Promise<HostCheckResult[]> {
  const images = [...(await checkBaseImages(clusters)), ...(await checkBootFiles(clusters))]
  const booting = await pluginChecks(config, clusters.map((c) => ({...c, nodes: c.nodes.filter((n) => n.autoStart)})), hostRoot, options.hostWide)
  const idle = await pluginChecks(config, clusters.map((c) => ({...c, nodes: c.nodes.filter((n) => !n.autoStart && n.devices.length > 0)})), hostRoot)
  const seen = new Set(booting.map((c) => c.id))
  const warnings = idle.filter((c) => !c.ok && !seen.has(c.id)).map((c): HostCheckResult => ({...c, severity: 'warning', message: `${c.message} (only nodes with auto_start: false need it: they cannot be started on this host)`}))
  return [...images, ...booting, ...warnings]
}
