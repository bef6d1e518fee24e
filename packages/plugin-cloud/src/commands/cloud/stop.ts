import {AiHowCommand, ClusterCommand} from '@ai-how/core'
import {stopTimeoutFlag, suspendFlag} from '@ai-how/plugin-hpc'
import type {StopResult} from '@ai-how/plugin-hpc'
import {drainTimeoutFlag, skipDrainFlag} from '../../cloud/flags.js'
import {cloudStopSummary} from '../../cloud/render.js'

export default class CloudStop extends ClusterCommand {
  static override summary = 'Drain the Kubernetes cluster of CONFIG and shut down its VMs.'

  static override description = `Cordons the running nodes (marking each with the annotation ai-how.dev/cordoned-by, so that a start after a stop that did not finish still uncordons it) and evicts their pods through the Kubernetes API (Eviction API: a PodDisruptionBudget's refusal is retried until --drain-timeout, then the blocking pods are named; DaemonSet pods stay); an unreachable API is a warning and the stop goes on; --skip-drain skips it. Then stops kubelet and the container runtime over SSH, asks every VM at once to power off (the QEMU guest agent when it answers, else a poweroff over SSH with the cluster key, and ACPI as well) and powers off by force only those still running after --timeout, with a warning naming them; the result names each VM and how it stopped (agent, ssh, acpi, forced). GPUs are released. The VMs, disks and network stay: cloud start boots the same VMs and uncordons the nodes this stop cordoned. The state entry says stopped and keeps no live Kubernetes facts.

With --suspend, after the drain each running VM's memory is saved instead (libvirt managed save; kubelet is left running in it) and the state entry says suspended; \`cloud start\` restores the same VMs (no boot), waits for SSH, steps each guest's clock to the host's, uncordons the nodes and checks health. A VM with a host device passed through (GPU) cannot be saved: it is shut down as usual and a warning says so.`

  static override examples = ['<%= config.bin %> cloud stop examples/cloud-tiny.yaml', '<%= config.bin %> cloud stop cluster.yaml --drain-timeout 300', '<%= config.bin %> cloud stop cluster.yaml --skip-drain --timeout 30', '<%= config.bin %> cloud stop cluster.yaml --suspend']

  static override args = {...ClusterCommand.args}

  static override flags = {
    state: AiHowCommand.stateFlag,
    timeout: stopTimeoutFlag,
    suspend: suspendFlag,
    'skip-drain': skipDrainFlag,
    'drain-timeout': drainTimeoutFlag,
  }

  async run(): Promise<StopResult> {
    const {args, flags} = await this.parse(CloudStop)
    const {impl, ctx} = await this.extension('cloud', 'provisioner', args.config, {...flags, json: this.jsonEnabled()}, new AbortController().signal)
    const result = (await impl.stop(ctx)) as StopResult
    if (!this.jsonEnabled()) this.logToStderr(cloudStopSummary(result))
    return result
  }
}
