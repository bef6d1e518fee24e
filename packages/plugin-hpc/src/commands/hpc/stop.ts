import {AiHowCommand, ClusterCommand} from '@ai-how/core'
import {stopTimeoutFlag, suspendFlag} from '../../kit/flags.js'
import {hpcStopSummary} from '../../hpc/render.js'
import {drainTimeoutFlag, skipDrainFlag} from '../../hpc/flags.js'
import type {StopResult} from '../../vm/results.js'

export default class HpcStop extends ClusterCommand {
  static override summary = 'Drain the Slurm compute nodes of the hpc cluster of CONFIG and shut down its VMs.'

  static override description = `When ai-how manages Slurm on the cluster (its last deploy ran the playbook shipped with ai-how and succeeded), first drains the running compute nodes (sudo -n scontrol update nodename=... state=drain reason="ai-how stop", run on the controller over SSH with the cluster key) and waits until they run no job, bounded by --drain-timeout; the nodes still running jobs then are named in a warning and the stop goes on. A node already drained by someone else keeps its reason. A controller that does not answer, or a slurmctld that is down, is a warning and the stop goes on; --skip-drain skips the drain. The result's drain says what was drained, and the state entry's slurm.drained remembers it: the next \`hpc start\` resumes exactly those nodes.

Then asks every running VM of the cluster at once to power off, gracefully on any image: through the QEMU guest agent when it answers, else with a poweroff over SSH with the cluster key (sudo systemctl poweroff), and an ACPI request as well. Only a VM still running after --timeout seconds is powered off by force: a warning names it (and, under --json, the result's warnings). The result names each VM and how it stopped (agent, ssh, acpi, forced). GPUs the VMs held are released. The VMs, disks and network stay: \`hpc start\` boots the same VMs again. The state entry says stopped.

With --suspend, after the drain each running VM's memory is saved instead (libvirt managed save) and the state entry says suspended; \`hpc start\` restores the same VMs where they were (no boot, no cloud-init), waits for SSH and steps each guest's clock to the host's (guest agent, else over SSH). A VM with a host device passed through (GPU) cannot be saved: it is shut down as usual and a warning says so. \`hpc destroy\` removes the saved images too.`

  static override examples = ['<%= config.bin %> hpc stop examples/hpc-small.yaml', '<%= config.bin %> hpc stop cluster.yaml --timeout 30', '<%= config.bin %> hpc stop cluster.yaml --suspend', '<%= config.bin %> hpc stop cluster.yaml --drain-timeout 600', '<%= config.bin %> hpc stop cluster.yaml --skip-drain']

  static override args = {...ClusterCommand.args}

  static override flags = {
    state: AiHowCommand.stateFlag,
    timeout: stopTimeoutFlag,
    suspend: suspendFlag,
    'skip-drain': skipDrainFlag,
    'drain-timeout': drainTimeoutFlag,
  }

  async run(): Promise<StopResult> {
    const {args, flags} = await this.parse(HpcStop)
    const {impl, ctx} = await this.extension('hpc', 'provisioner', args.config, {...flags, json: this.jsonEnabled()}, new AbortController().signal)
    const result = (await impl.stop(ctx)) as StopResult
    if (!this.jsonEnabled()) this.logToStderr(hpcStopSummary(result))
    return result
  }
}
