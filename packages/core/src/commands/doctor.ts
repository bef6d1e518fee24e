import {Args, Flags} from '@oclif/core'
import {checksJson, renderChecks} from '../checks/index.js'
import type {ChecksJson} from '../checks/index.js'
import {AiHowCommand} from '../command.js'
import {doctorChecks} from '../doctor/host-checks.js'
import {resolveStatePath} from '../state/index.js'

export interface DoctorResult extends ChecksJson {
  format_version: 1
  /** The config whose needs were checked too, or null. */
  config: string | null
}

export default class Doctor extends AiHowCommand {
  static override summary = 'Check this host for what ai-how needs, with the fix for each problem.'

  static override description = `Checks Node.js, free disk space where ai-how writes (the folder of the state file), and every installed plugin's prerequisites: virsh, qemu-img, an ISO tool (genisoimage), ansible-playbook, libvirt reachable at LIBVIRT_DEFAULT_URI (or qemu:///system), /dev/kvm usable, and, from the GPU plugin, what PCIe passthrough needs: CPU virtualization (vmx/svm), the IOMMU on (the same test as gpu list: /sys/kernel/iommu_groups not empty), the vfio modules loaded, and the GPUs found with their IOMMU groups and drivers. On a host without a GPU the passthrough checks are skipped (and say why); with a GPU but no CONFIG, a missing prerequisite is a warning.

With CONFIG it also checks what that config needs, as validate --check-host does: base images, kernels and initrds, and for every PCI device a node asks for, the checks of gpu check (the device exists, its IOMMU group, the group's other functions, the drivers bound); a missing passthrough prerequisite is then a failure.

Each check prints ✓ (passed), ! (warning), ✗ (failed) or - (skipped), with the exact fix under each problem, and a summary with the counts.

Exit status: 0 when no check failed (warnings and skipped checks included), 1 when one failed, 2 when CONFIG is invalid.`

  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor examples/hpc-and-cloud.yaml',
    '<%= config.bin %> doctor --json | jq \'.checks[] | select(.status == "fail" or .status == "warn")\'',
  ]

  static override args = {
    config: Args.string({required: false, description: 'cluster configuration file (YAML): also check what its clusters need from this host'}),
  }

  static override flags = {
    state: AiHowCommand.stateFlag,
    'sysfs-root': Flags.string({description: 'read /sys and /proc under this folder instead of / (tests use a fixture tree)', env: 'AI_HOW_SYSFS_ROOT', default: '/'}),
  }

  async run(): Promise<DoctorResult> {
    const {args, flags} = await this.parse(Doctor)
    const {config, checks} = await doctorChecks(this.config, {statePath: resolveStatePath(flags.state), hostRoot: flags['sysfs-root'], configFile: args.config})
    const result: DoctorResult = {format_version: 1, config, ...checksJson(checks)}
    if (!result.ok) process.exitCode = 1
    if (!this.jsonEnabled()) this.log(renderChecks(checks))
    return result
  }
}
