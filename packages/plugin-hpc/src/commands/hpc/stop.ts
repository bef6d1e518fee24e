import {AiHowCommand, ClusterCommand} from '@ai-how/core'
import {stopTimeoutFlag, suspendFlag} from '../../kit/flags.js'
import {stopSummary} from '../../kit/summaries.js'
import type {StopResult} from '../../vm/results.js'

export default class HpcStop extends ClusterCommand {
  static override summary = 'Shut down every VM of the hpc cluster of CONFIG.'

  static override description = `Asks every running VM of the cluster at once to power off, gracefully on any image: through the QEMU guest agent when it answers, else with a poweroff over SSH with the cluster key (sudo systemctl poweroff), and an ACPI request as well. Only a VM still running after --timeout seconds is powered off by force: a warning names it (and, under --json, the result's warnings). The result names each VM and how it stopped (agent, ssh, acpi, forced). GPUs the VMs held are released. The VMs, disks and network stay: \`hpc start\` boots the same VMs again. The state entry says stopped.

With --suspend, each running VM's memory is saved instead (libvirt managed save) and the state entry says suspended; \`hpc start\` restores the same VMs where they were (no boot, no cloud-init), waits for SSH and steps each guest's clock to the host's (guest agent, else over SSH). A VM with a host device passed through (GPU) cannot be saved: it is shut down as usual and a warning says so. \`hpc destroy\` removes the saved images too.`

  static override examples = ['<%= config.bin %> hpc stop examples/hpc-small.yaml', '<%= config.bin %> hpc stop cluster.yaml --timeout 30', '<%= config.bin %> hpc stop cluster.yaml --suspend']

  static override args = {...ClusterCommand.args}

  static override flags = {
    state: AiHowCommand.stateFlag,
    timeout: stopTimeoutFlag,
    suspend: suspendFlag,
  }

  async run(): Promise<StopResult> {
    const {args, flags} = await this.parse(HpcStop)
    const {impl, ctx} = await this.extension('hpc', 'provisioner', args.config, {...flags, json: this.jsonEnabled()}, new AbortController().signal)
    const result = (await impl.stop(ctx)) as StopResult
    if (!this.jsonEnabled()) this.logToStderr(stopSummary(result))
    return result
  }
}
