import {Args, Flags} from '@oclif/core'
import {anyCheckFailed, checksJson, renderChecks} from '../checks/index.js'
import type {CheckResult} from '../checks/index.js'
import {AiHowCommand} from '../command.js'
import {describeClusters, displayPath, formatIssues, loadConfig, runHostChecks} from '../config/index.js'
import type {ConfigIssue} from '../contracts/config.js'
import {HostError, isAiHowError} from '../errors.js'
import {loadClusterKinds} from '../plugins.js'

export interface ValidateResult {
  valid: boolean
  file: string
  /** Kinds the config describes (empty when invalid). */
  kinds: string[]
  errors: ConfigIssue[]
  warnings: ConfigIssue[]
  /** With --check-host: every host check (id, status ok|warn|fail|skip, message, fix, detail), and whether none failed. */
  hostChecks?: CheckResult[]
  hostReady?: boolean
}

/** The issues a config error carries (a lone unreadable-file error becomes one issue). */
function issuesOf(error: {message: string; actions: readonly string[]; details?: unknown}, file: string): ConfigIssue[] {
  if (Array.isArray(error.details)) return error.details as ConfigIssue[]
  return [{severity: 'error', code: 'file.unreadable', file, line: 1, column: 1, path: '(file)', message: error.message, fix: error.actions.join(' ')}]
}

export default class Validate extends AiHowCommand {
  static override summary = 'Check a cluster configuration: schema, addresses, devices, and optionally this host.'

  static override description = `Loads CONFIG the way every command does (variables expanded, relative paths resolved against the file's folder) and reports every problem at once, each with file:line:column, its YAML path, what is wrong and the fix: schema errors of core and of each installed cluster kind (including the bounds of cpu_cores, memory_gb and disk_gb, and bridge names Linux and libvirt accept), then the checks a schema cannot express (node IPs inside their subnet and not its network, broadcast or gateway address; no IP twice; a DHCP range libvirt takes: inside the subnet, in order, within one /16 block; no overlapping subnets, shared bridge names or shared cluster names across clusters; no PCI device twice in one cluster; cpu topology equal to cpu_cores; no control character or XML non-character in a value). A GPU used by two clusters is allowed and reported as a warning. An unset variable, a file over 1 MiB, a file that is not UTF-8 and a YAML alias bomb are configuration errors too.

With --check-host it also checks this host: every base image exists and is qcow2, every kernel and initrd (direct kernel boot) is a readable regular file, and each plugin's prerequisites (for example PCIe passthrough readiness of every requested device).

Exit status: 0 valid, 2 invalid config, 1 a host check failed.`

  static override examples = [
    '<%= config.bin %> validate examples/hpc-and-cloud.yaml',
    '<%= config.bin %> validate examples/hpc-and-cloud.yaml --check-host',
    '<%= config.bin %> validate cluster.yaml --json | jq -r \'.errors[] | "\\(.line):\\(.column) \\(.message)"\'',
  ]

  static override args = {
    config: Args.string({required: true, description: 'cluster configuration file (YAML)'}),
  }

  static override flags = {
    'check-host': Flags.boolean({description: 'also check this host: base images exist and are qcow2, kernels and initrds are readable files, and the prerequisites of every plugin (e.g. PCIe passthrough)'}),
    'sysfs-root': Flags.string({description: 'with --check-host, read /sys and /proc under this folder instead of / (tests use a fixture tree)', env: 'AI_HOW_SYSFS_ROOT', default: '/'}),
  }

  async run(): Promise<ValidateResult> {
    const {args, flags} = await this.parse(Validate)
    const kinds = await loadClusterKinds(this.config)
    const file = displayPath(args.config, process.cwd())
    let loaded
    try {
      loaded = await loadConfig(args.config, kinds)
    } catch (error) {
      if (!this.jsonEnabled() || !isAiHowError(error) || error.name !== 'ConfigError') throw error
      const issues = issuesOf(error, file)
      process.exitCode = 2
      return {valid: false, file, kinds: [], errors: issues.filter((i) => i.severity === 'error'), warnings: issues.filter((i) => i.severity === 'warning')}
    }
    const described = describeClusters(loaded, kinds)
    const result: ValidateResult = {valid: true, file, kinds: described.map((d) => d.kind.key), errors: [], warnings: loaded.warnings}
    if (!this.jsonEnabled()) {
      this.log(`✓ ${file} is valid: kinds ${result.kinds.join(', ')}`)
      if (loaded.warnings.length > 0) this.logToStderr(formatIssues(loaded.warnings))
    }
    if (!flags['check-host']) return result
    const checks = await runHostChecks(this.config, described.map((d) => d.cluster), flags['sysfs-root'])
    const report = checksJson(checks)
    result.hostChecks = report.checks
    result.hostReady = report.ok
    if (this.jsonEnabled()) {
      if (anyCheckFailed(checks)) process.exitCode = 1
      return result
    }
    this.log(renderChecks(checks))
    const failed = report.checks.filter((c) => c.status === 'fail')
    if (failed.length > 0) {
      throw new HostError(`${failed.length} of ${checks.length} host checks failed (✗ above)`, {
        code: 'HOST_CHECKS_FAILED',
        actions: failed.flatMap((c) => c.fix),
      })
    }
    return result
  }
}
