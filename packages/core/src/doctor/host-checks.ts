/**
 * Every check of `ai-how doctor`: core's own (Node.js, free disk), then each plugin's host-wide
 * checks (tools, libvirt, /dev/kvm, GPU passthrough readiness). With a config, also what its
 * clusters need, as `validate --check-host` checks it (images, boot files, the requested devices).
 */
import type {Config} from '@oclif/core'
import {describeClusters, displayPath, loadConfig, runHostChecks, runHostWideChecks} from '../config/index.js'
import type {HostCheckResult} from '../contracts/extensions.js'
import {loadClusterKinds} from '../plugins.js'
import {coreHostChecks} from './checks.js'

export interface DoctorChecks {
  /** The config checked (as given, relative to the working folder), or null without one. */
  config: string | null
  checks: HostCheckResult[]
}

export async function doctorChecks(config: Config, options: {statePath: string; hostRoot: string; configFile?: string | undefined}): Promise<DoctorChecks> {
  const core = await coreHostChecks(options.statePath)
  if (options.configFile === undefined) return {config: null, checks: [...core, ...(await runHostWideChecks(config, options.hostRoot))]}
  const kinds = await loadClusterKinds(config)
  const loaded = await loadConfig(options.configFile, kinds)
  const clusters = describeClusters(loaded, kinds).map((d) => d.cluster)
  const checks = await runHostChecks(config, clusters, options.hostRoot, {hostWide: true})
  return {config: displayPath(options.configFile, process.cwd()), checks: [...core, ...checks]}
}
