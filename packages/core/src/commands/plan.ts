import {Args, Flags} from '@oclif/core'
import {AiHowCommand} from '../command.js'
import {loadCluster} from '../cluster-command.js'
import {loadConfig} from '../config/index.js'
import type {PlanReport} from '../contracts/extensions.js'
import {UsageError, hasCode} from '../errors.js'
import {loadClusterKinds, resolveExtension} from '../plugins.js'
import {formatPlan} from '../plan/format.js'

export default class Plan extends AiHowCommand {
  static override summary = 'Show what `start` would create, keep or change, compared with libvirt.'

  static override description = `For every cluster of CONFIG (or only --cluster KEY): the network, storage pool, volumes and VMs that \`ai-how KEY start\` would create, keep or change, with names, MACs, IPs, roles, resources and passed-through devices, compared with the live libvirt objects. Nothing is created or changed. An object with the right name that ai-how does not own is shown as a conflict: start would refuse it.

--show-xml adds the rendered libvirt XML of every object.`

  static override examples = [
    '<%= config.bin %> plan examples/hpc-small.yaml',
    '<%= config.bin %> plan examples/hpc-and-cloud.yaml --cluster hpc --show-xml',
    '<%= config.bin %> plan cluster.yaml --json | jq \'.clusters[].items[] | select(.action != "keep")\'',
  ]

  static override args = {
    config: Args.string({required: true, description: 'cluster configuration file (YAML)'}),
  }

  static override flags = {
    state: AiHowCommand.stateFlag,
    cluster: Flags.string({description: 'only this cluster kind (the key under clusters:, e.g. hpc)'}),
    'show-xml': Flags.boolean({description: 'print the rendered libvirt XML of every object'}),
  }

  async run(): Promise<{clusters: PlanReport[]}> {
    const {args, flags} = await this.parse(Plan)
    const kinds = await loadClusterKinds(this.config)
    const loaded = await loadConfig(args.config, kinds)
    const keys = Object.keys(loaded.config.clusters)
    if (flags.cluster !== undefined && !keys.includes(flags.cluster)) {
      throw new UsageError(`${args.config} has no cluster "${flags.cluster}"`, {code: 'PLAN_UNKNOWN_CLUSTER', actions: [`Use one of: ${keys.join(', ')}.`]})
    }
    const reports: PlanReport[] = []
    for (const key of flags.cluster === undefined ? keys : [flags.cluster]) {
      const {kind, ctx} = await loadCluster(this, kinds, key, loaded, {state: flags.state, signal: new AbortController().signal, flags: {showXml: flags['show-xml']}})
      const provisioner = await resolveExtension(this.config, 'provisioner', kind).catch((error: unknown) => {
        if (hasCode(error, 'PLUGIN_MISSING_EXTENSION')) return undefined
        throw error
      })
      if (!provisioner?.plan) {
        this.aiHowLogger().warn(`cluster kind ${key} (${kind.plugin}) cannot plan yet: skipped`)
        continue
      }
      const report = await provisioner.plan(ctx)
      reports.push(report)
      if (!this.jsonEnabled()) this.log(formatPlan(report, flags['show-xml']))
    }
    return {clusters: reports}
  }
}
