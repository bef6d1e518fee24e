import {AiHowCommand, ClusterCommand} from '@ai-how/core'
import type {ClusterStatus} from '@ai-how/plugin-hpc'
import {cloudStatusText} from '../../cloud/render.js'

export default class CloudStatus extends ClusterCommand {
  static override summary = 'Show the live state of the Kubernetes cluster of CONFIG: its VMs, the Kubernetes API, and any drift.'

  static override description = `Read-only: it never writes the state file and changes nothing in libvirt or Kubernetes. For each node: name, role, live VM state, IP (configured / live), vCPU, memory, disk and GPU; the network and pool; resource totals; drift between config, state file and libvirt. Kubernetes: API reachable, version, nodes Ready n/m (the names of those that are not), kube-system pods running, one look with a 5 s bound (an unreachable API is reported, not an error).`

  static override examples = ['<%= config.bin %> cloud status examples/cloud-tiny.yaml', '<%= config.bin %> cloud status cluster.yaml --json | jq .kubernetes']

  static override args = {...ClusterCommand.args}

  static override flags = {
    state: AiHowCommand.stateFlag,
  }

  async run(): Promise<ClusterStatus> {
    const {args, flags} = await this.parse(CloudStatus)
    const {impl, ctx} = await this.extension('cloud', 'provisioner', args.config, {...flags, json: this.jsonEnabled()}, new AbortController().signal)
    const status = (await impl.status(ctx)) as ClusterStatus
    if (!this.jsonEnabled()) process.stdout.write(cloudStatusText(status))
    return status
  }
}
