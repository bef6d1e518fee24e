import {Flags} from '@oclif/core'
import {AiHowCommand} from '../command.js'
import type {HostCheckResult} from '../contracts/extensions.js'
import {coreHostChecks} from '../doctor/checks.js'
import {callHook} from '../plugins.js'
import {resolveStatePath} from '../state/index.js'

export interface DoctorResult {
  ok: boolean
  checks: HostCheckResult[]
}

export default class Doctor extends AiHowCommand {
  static override summary = 'Check this host for what ai-how needs, with the fix for each problem.'

  static override description = `Checks Node.js, free disk space where ai-how writes (the folder of the state file), and every installed plugin's prerequisites: virsh, qemu-img, an ISO tool (genisoimage), ansible-playbook, libvirt reachable at LIBVIRT_DEFAULT_URI (or qemu:///system), /dev/kvm usable, and, from the GPU plugin, IOMMU and vfio. Each failed check prints the exact fix.

Exit status: 0 when every check passes, 1 otherwise.`

  static override examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --json | jq \'.checks[] | select(.ok == false)\'']

  static override flags = {
    state: AiHowCommand.stateFlag,
    'sysfs-root': Flags.string({description: 'read /sys and /proc under this folder instead of / (tests use a fixture tree)', env: 'AI_HOW_SYSFS_ROOT', default: '/'}),
  }

  async run(): Promise<DoctorResult> {
    const {flags} = await this.parse(Doctor)
    const core = await coreHostChecks(resolveStatePath(flags.state))
    const answers = await callHook(this.config, 'ai-how:host-checks', {clusters: [], hostRoot: flags['sysfs-root']})
    const checks = [...core, ...answers.flatMap((a) => (Array.isArray(a.result) ? a.result : []))]
    const ok = checks.every((c) => c.ok)
    if (!ok) process.exitCode = 1
    if (!this.jsonEnabled()) {
      for (const check of checks) {
        this.log(`${check.ok ? '✓' : '✗'} ${check.message}`)
        for (const fix of check.fix) this.log(`    fix: ${fix}`)
      }
      this.log(ok ? 'All checks passed.' : `${checks.filter((c) => !c.ok).length} of ${checks.length} checks failed.`)
    }
    return {ok, checks}
  }
}
