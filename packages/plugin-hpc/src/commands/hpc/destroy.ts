import {AiHowCommand, ClusterCommand} from '@ai-how/core'
import {destroyWithConfirmation} from '../../kit/destroy.js'
import {forceFlag} from '../../kit/flags.js'
import type {DestroyResult} from '../../vm/results.js'

export default class HpcDestroy extends ClusterCommand {
  static override summary = 'Remove every VM, disk, pool and network that ai-how created for the hpc cluster of CONFIG.'

  static override description = `Asks for confirmation unless --force (answering no changes nothing, exit 0; without a terminal, --force is required: exit 2). Running VMs are powered off at once (no graceful wait: they are about to be deleted). Then the domains, their disks and seed images, the pool and the network are removed: only objects whose ai-how metadata names this cluster, found even without a state file; nothing else, whatever its name. GPUs are released, the cluster's entry leaves the state file (other entries stay), and its last state, logs and inventory are kept in <output>/logs/hpc-cluster-destroyed-<timestamp>/.`

  static override examples = ['<%= config.bin %> hpc destroy examples/hpc-small.yaml', '<%= config.bin %> hpc destroy cluster.yaml --force --json']

  static override args = {...ClusterCommand.args}

  static override flags = {
    state: AiHowCommand.stateFlag,
    force: forceFlag,
  }

  async run(): Promise<DestroyResult> {
    const {args, flags} = await this.parse(HpcDestroy)
    const {impl, ctx} = await this.extension('hpc', 'provisioner', args.config, {...flags, json: this.jsonEnabled()}, new AbortController().signal)
    const result = await destroyWithConfirmation(impl, ctx, flags.force, {json: this.jsonEnabled(), log: (m) => { this.logToStderr(m) }})
    return result ?? this.exit(0)
  }
}
