import {AiHowCommand, ClusterCommand} from '@ai-how/core'
import {destroyWithConfirmation, forceFlag} from '@ai-how/plugin-hpc'
import type {DestroyResult} from '@ai-how/plugin-hpc'

export default class CloudDestroy extends ClusterCommand {
  static override summary = 'Remove every VM, disk, pool and network that ai-how created for the Kubernetes cluster of CONFIG.'

  static override description = `Asks for confirmation unless --force (answering no changes nothing, exit 0; without a terminal, --force is required: exit 2). Running VMs are powered off at once (no drain, no graceful wait: the cluster is going away). Then the domains, their disks and seed images, the pool and the network are removed: only objects whose ai-how metadata names this cluster, found even without a state file. GPUs are released, the cluster's entry leaves the state file (other entries stay), and its last state, logs, inventory and kubeconfig are kept in <output>/logs/cloud-cluster-destroyed-<timestamp>/.`

  static override examples = ['<%= config.bin %> cloud destroy examples/cloud-tiny.yaml', '<%= config.bin %> cloud destroy cluster.yaml --force --json']

  static override args = {...ClusterCommand.args}

  static override flags = {
    state: AiHowCommand.stateFlag,
    force: forceFlag,
  }

  async run(): Promise<DestroyResult> {
    const {args, flags} = await this.parse(CloudDestroy)
    const {impl, ctx} = await this.extension('cloud', 'provisioner', args.config, {...flags, json: this.jsonEnabled()}, new AbortController().signal)
    const result = await destroyWithConfirmation(impl, ctx, flags.force, {json: this.jsonEnabled(), log: (m) => { this.logToStderr(m) }})
    return result ?? this.exit(0)
  }
}
