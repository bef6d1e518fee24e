import {AiHowCommand, checksJson, loadClusterKinds, loadConfig, renderChecks} from '@ai-how/core'
import type {ChecksJson, ClusterDescription, YamlPath} from '@ai-how/core'
import {Args} from '@oclif/core'
import {passthroughChecks} from '../../checks/passthrough-checks.js'
import {sysfsRootFlag} from '../../flags.js'
import {resolveHostRoot} from '../../host/host-fs.js'
import {PciHost} from '../../host/pci-host.js'

/** The shared check report (ok, summary, checks) of the config's passthrough requests. */
export interface GpuCheckReport extends ChecksJson {
  format_version: 1
  config: string
}

export default class GpuCheck extends AiHowCommand {
  static override summary = 'Check that this host can pass through every PCI device that CONFIG asks for.'
  static override description = `For every device of every node of every cluster in CONFIG: the device exists, the IOMMU is on, the vfio modules are loaded, no host driver holds it, and every other function of its IOMMU group goes to the same VM or is bound to vfio-pci. Each failure comes with the exact fix. Exit 0 when all checks pass, 1 when one fails, 2 when CONFIG is invalid.`

  static override examples = ['<%= config.bin %> gpu check cluster.yaml', '<%= config.bin %> gpu check cluster.yaml --json']

  static override args = {
    config: Args.string({required: true, description: 'cluster configuration file (YAML)'}),
  }

  static override flags = {
    'sysfs-root': sysfsRootFlag,
  }

  async run(): Promise<GpuCheckReport> {
    const {args, flags} = await this.parse(GpuCheck)
    const kinds = await loadClusterKinds(this.config)
    const loaded = await loadConfig(args.config, kinds)
    const clusters: ClusterDescription[] = []
    for (const kind of kinds) {
      const section = loaded.config.clusters[kind.key]
      if (section !== undefined) clusters.push(kind.describe(section, loaded))
    }
    const locate = (at: YamlPath): string => {
      const {line, column} = loaded.locator.locate(at)
      return `${loaded.file}:${line}:${column}`
    }
    const results = await passthroughChecks(PciHost.open(resolveHostRoot(flags['sysfs-root'])), clusters, locate)
    const report: GpuCheckReport = {format_version: 1, config: loaded.file, ...checksJson(results)}
    if (!this.jsonEnabled()) {
      this.log(results.length === 0 ? `No node of ${loaded.file} asks for PCI passthrough: nothing to check.` : renderChecks(results))
    }
    if (!report.ok) process.exitCode = 1
    return report
  }
}
