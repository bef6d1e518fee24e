import {AiHowCommand, ClusterCommand} from '@ai-how/core'
import {renderStatusTable} from '../../kit/status-table.js'
import {slurmStatusLine} from '../../hpc/slurm-step.js'
import type {ClusterStatus} from '../../vm/status-types.js'

export default class HpcStatus extends ClusterCommand {
  static override summary = 'Show the live state of every VM of the hpc cluster of CONFIG, and any drift.'

  static override description = `Read-only: it never writes the state file and changes nothing in libvirt. For each node: name, role, live VM state, IP (configured / live), vCPU, memory, disk and GPU; the network and pool; resource totals; drift between config, state file and libvirt (missing domains, foreign objects with the cluster's names, changed UUID, MAC, vCPUs or memory); and, when ai-how deployed Slurm (its shipped playbook), Slurm's health: one sinfo on the controller over SSH, every started compute node idle/mixed/allocated, others named with Slurm's reason. Its cost does not grow with the number of nodes (a few batched virsh processes).`

  static override examples = ['<%= config.bin %> hpc status examples/hpc-small.yaml', '<%= config.bin %> hpc status cluster.yaml --json | jq \'.nodes[] | {name, state, ip}\'']

  static override args = {...ClusterCommand.args}

  static override flags = {
    state: AiHowCommand.stateFlag,
  }

  async run(): Promise<ClusterStatus> {
    const {args, flags} = await this.parse(HpcStatus)
    const {impl, ctx} = await this.extension('hpc', 'provisioner', args.config, {...flags, json: this.jsonEnabled()}, new AbortController().signal)
    const status = (await impl.status(ctx)) as ClusterStatus
    if (!this.jsonEnabled()) process.stdout.write(renderStatusTable(status) + slurmStatusLine((status as ClusterStatus & {slurm?: Record<string, unknown>}).slurm))
    return status
  }
}
