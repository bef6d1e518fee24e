import {AiHowCommand, ClusterCommand} from '@ai-how/core'
import {keepOnFailureFlag, skipDeployFlag, sshTimeoutFlag, strictCloudInitFlag} from '@ai-how/plugin-hpc'
import type {StartResult} from '@ai-how/plugin-hpc'
import {healthTimeoutFlag} from '../../cloud/flags.js'
import {cloudStartSummary} from '../../cloud/render.js'

export default class CloudStart extends ClusterCommand {
  static override summary = 'Create or boot the Kubernetes cluster of CONFIG, deploy it with Kubespray, and wait until it is healthy.'

  static override description = `Validates CONFIG and checks the deploy source (kubernetes_config.kubespray_path holding Kubespray's cluster.yml, or kubernetes_config.playbook) before anything is touched. Then creates what is missing: the network (NAT, DHCP reservations), the storage pool, the base volume (imported once), and for each node in parallel its disk, cloud-init seed and domain (control plane and worker templates; hostdevs only on GPU workers); boots the nodes (auto_start: false nodes are defined, not started, and left out of the inventory) and waits until each answers SSH with the cluster key. Once cloud-init has finished, each VM must give the cluster user passwordless sudo and report its own hostname; a cloud-init module that failed otherwise is a warning naming the module (--strict-cloud-init: any cloud-init failure fails the start). Then writes the Kubespray inventory and group_vars to <output>/<cluster>/, runs the deploy playbook (log in <output>/logs/<cluster>/), fetches /etc/kubernetes/admin.conf from the control plane to <output>/<cluster>/kubeconfig (server rewritten to the control-plane IP), uncordons the nodes that cloud stop cordoned (also those a stop that did not finish left with ai-how's ai-how.dev/cordoned-by mark), starts kubelet and the container runtime again where they are enabled but stopped on a VM that was already running, and checks health: API ready, every started node Ready, kube-system pods running.

Existing VMs are kept: on a running cluster start checks and reports; on a stopped one it boots the same VMs again. On failure or Ctrl+C, what this run created is removed (newest first) unless --keep-on-failure; objects that existed before are never touched, and the state file says what exists.`

  static override examples = [
    '<%= config.bin %> cloud start examples/cloud-tiny.yaml',
    '<%= config.bin %> cloud start cluster.yaml --skip-deploy',
    '<%= config.bin %> cloud start cluster.yaml --json | jq .kubernetes',
  ]

  static override args = {...ClusterCommand.args}

  static override flags = {
    state: AiHowCommand.stateFlag,
    'keep-on-failure': keepOnFailureFlag,
    'skip-deploy': skipDeployFlag,
    'ssh-timeout': sshTimeoutFlag,
    'strict-cloud-init': strictCloudInitFlag,
    'health-timeout': healthTimeoutFlag,
  }

  async run(): Promise<StartResult> {
    const {args, flags} = await this.parse(CloudStart)
    const {impl, ctx} = await this.extension('cloud', 'provisioner', args.config, {...flags, json: this.jsonEnabled()}, new AbortController().signal)
    const result = (await impl.start(ctx)) as StartResult
    if (!this.jsonEnabled()) this.logToStderr(cloudStartSummary(result))
    return result
  }
}
