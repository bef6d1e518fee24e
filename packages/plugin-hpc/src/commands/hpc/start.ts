import {AiHowCommand, ClusterCommand} from '@ai-how/core'
import {keepOnFailureFlag, redeployFlag, skipDeployFlag, sshTimeoutFlag, strictCloudInitFlag} from '../../kit/flags.js'
import {hpcStartSummary} from '../../hpc/render.js'
import {removeNodesFlag} from '../../hpc/flags.js'
import type {StartResult} from '../../vm/results.js'

export default class HpcStart extends ClusterCommand {
  static override summary = 'Create or boot the hpc cluster of CONFIG, wait until every VM answers SSH, and deploy it.'

  static override description = `Validates CONFIG (nothing is touched when it is invalid), then creates what is missing: the network (NAT, DHCP reservations), the storage pool, the base volume (imported once), and for each node in parallel its disk, cloud-init seed and domain; boots the VMs and waits until each answers SSH with the cluster key and the host key ai-how generated for it (each node's host key is handed to it in its seed and written to the cluster's known_hosts before it boots; any other key is refused). Once cloud-init has finished, each VM must give the cluster user passwordless sudo and report its own hostname; a cloud-init module that failed otherwise is a warning naming the module (--strict-cloud-init: any cloud-init failure fails the start). Then writes the Ansible inventory to <output>/<cluster>/inventory.ini and runs deploy.playbook with ansible-playbook (log in <output>/logs/); when the config names none, the Slurm playbook shipped with ai-how (munge with a key generated per cluster under <output>/keys/<cluster>/, slurmctld on the controller, slurmd on the compute nodes), after which every started compute node must be idle in sinfo (Slurm health, also shown by status). When ai-how manages Slurm on the cluster, the compute nodes that \`hpc stop\` drained are resumed then (only those still drained with its reason "ai-how stop": a node drained by hand stays drained); the result's resumed names them.

Existing VMs are kept: on a running cluster start checks and reports; on a stopped one it boots the same VMs again. A compute node added to the config is created, and the deploy runs again so that it joins the cluster. A node whose VM exists but that the config no longer names stops the start before anything is touched (NODES_REMOVED, naming the nodes) unless --remove-nodes is given: then its VM, disk, seed, host key and known_hosts lines are removed, nothing else of the cluster, and the deploy runs again (slurm.conf without it); the result's removed names them. On failure or Ctrl+C, what this run created is removed (newest first) unless --keep-on-failure; objects that existed before are never touched, and the state file says what exists.`

  static override examples = [
    '<%= config.bin %> hpc start examples/hpc-small.yaml',
    '<%= config.bin %> hpc start cluster.yaml --skip-deploy --ssh-timeout 900',
    '<%= config.bin %> hpc start cluster.yaml --json | jq .created',
    '<%= config.bin %> hpc start cluster.yaml --remove-nodes',
  ]

  static override args = {...ClusterCommand.args}

  static override flags = {
    state: AiHowCommand.stateFlag,
    'keep-on-failure': keepOnFailureFlag,
    'skip-deploy': skipDeployFlag,
    redeploy: redeployFlag,
    'ssh-timeout': sshTimeoutFlag,
    'strict-cloud-init': strictCloudInitFlag,
    'remove-nodes': removeNodesFlag,
  }

  async run(): Promise<StartResult> {
    const {args, flags} = await this.parse(HpcStart)
    const {impl, ctx} = await this.extension('hpc', 'provisioner', args.config, {...flags, json: this.jsonEnabled()}, new AbortController().signal)
    const result = (await impl.start(ctx)) as StartResult
    if (!this.jsonEnabled()) this.logToStderr(hpcStartSummary(result))
    return result
  }
}
