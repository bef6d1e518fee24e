/**
 * The four extension points of ai-how (provisioner, inventory generator, deployer, health checker),
 * the registration of a cluster kind, and the contribution point through which a plugin (the GPU
 * plugin) adds devices, host checks and lifecycle steps to any VM that asks for them.
 * Everything here is structural: plain data and functions, no classes shared across plugins.
 */
import type {ClusterDescription, NodeDescription} from './cluster.js'
import type {LoadedConfig, ConfigIssue} from './config.js'

/** Minimal logger handed to plugins: lines go to stderr (never stdout). */
export interface Logger {
  info(message: string): void
  warn(message: string): void
  debug(message: string): void
}

/** What every extension receives about the cluster it works on. */
export interface ClusterContext {
  kind: string
  loaded: LoadedConfig
  /** The raw (expanded) config section clusters.<kind>. */
  section: unknown
  cluster: ClusterDescription
  /** Absolute path of the state file. */
  statePath: string
  /** Folder for generated files (keys, inventories, logs): `<dir of state file>`. */
  outputDir: string
  log: Logger
  signal: AbortSignal
  /** Command flags the extension may honour (json, keepOnFailure, skipDeploy, force, ...). */
  options: Readonly<Record<string, unknown>>
  /** What other plugins contribute to this cluster's VMs (devices, lifecycle steps such as the GPU ledger). */
  contributions: ClusterContributions
  /**
   * Resolves another extension point of this cluster's kind through core (a plugin answering the
   * point's hook event wins over the kind's own registration); undefined when nobody provides it.
   * A provisioner uses it to reach the deployer and health checker.
   */
  resolve?: <P extends ExtensionPoint>(point: P) => Promise<ExtensionMap[P] | undefined>
}

/** Core's facade over the contribution hooks, so extensions need no oclif Config. */
export interface ClusterContributions {
  /** Every plugin's contribution for one node (devices, graphics rule); empty when none. */
  forNode(node: NodeDescription): Promise<NodeContribution[]>
  /** Runs the node lifecycle hooks of every plugin; a before-start hook may throw to refuse the start. */
  lifecycle(phase: NodeLifecyclePhase, node: NodeDescription, libvirtUri: string): Promise<void>
  /**
   * Every plugin's host prerequisites for this cluster (tools, libvirt, /dev/kvm, passthrough
   * readiness of its devices); with `nodes`, for those nodes only (e.g. the ones a start boots).
   */
  hostChecks(nodes?: readonly NodeDescription[]): Promise<HostCheckResult[]>
}

export interface Provisioner {
  start(ctx: ClusterContext): Promise<unknown>
  stop(ctx: ClusterContext): Promise<unknown>
  status(ctx: ClusterContext): Promise<unknown>
  destroy(ctx: ClusterContext): Promise<unknown>
  /** What `start` would create, keep or change, compared with the live objects (ctx.options.showXml adds rendered XML). */
  plan?(ctx: ClusterContext): Promise<PlanReport>
}

export type PlanAction = 'create' | 'keep' | 'change' | 'conflict'

/** One object `start` would touch: a network, pool, volume, domain, or a kind's own object type. */
export interface PlanItem {
  object: string
  name: string
  action: PlanAction
  /** Why this action (e.g. 'absent', 'owned by this cluster, unchanged', 'DHCP hosts differ', 'exists, not ai-how\'s'). */
  reason: string
  details: Record<string, unknown>
  xml?: string
}

export interface PlanReport {
  kind: string
  cluster: string
  libvirtUri: string
  items: PlanItem[]
}

export interface InventoryGenerator {
  /** Returns the inventory text, ready to write verbatim. */
  generate(ctx: ClusterContext, options: {format: 'ini' | 'yaml'}): Promise<string>
}

export interface DeployResult {
  ok: boolean
  logFile?: string
  summary: string
  /** The playbook that ran, when one did. */
  playbook?: string
  exitCode?: number
  /** Ansible's PLAY RECAP lines (or the deploy tool's closing lines). */
  recap?: string[]
  /** Why it failed, in words that name the failing task and host when known. */
  failure?: string
}

/** How a deployer reports into the task list of the command that runs it. */
export interface DeployProgress {
  /** Aborted on Ctrl+C or when the run fails elsewhere: stop the deploy tool. */
  signal?: AbortSignal
  /** One line of progress (a task name, a host result); shown under the deploy step. */
  onLine?(line: string): void
  /**
   * The inventory hosts that must appear in the recap: the nodes that run, as listed in the
   * inventory. A deploy that did not reach every one of them is a failure even if its tool exited 0.
   */
  hosts?: readonly string[]
}

export interface Deployer {
  deploy(ctx: ClusterContext, inventoryPath: string, progress?: DeployProgress): Promise<DeployResult>
}

export interface HealthReport {
  healthy: boolean
  checks: {name: string; ok: boolean; message: string}[]
  /** The kind's own facts (API version, nodes ready n/m, ...), recorded in the state entry and shown by status. */
  details?: Record<string, unknown>
}

export interface HealthChecker {
  check(ctx: ClusterContext, options?: {deadlineMs?: number; signal?: AbortSignal}): Promise<HealthReport>
}

export type ExtensionPoint = 'provisioner' | 'inventoryGenerator' | 'deployer' | 'healthChecker'

export interface ExtensionMap {
  provisioner: Provisioner
  inventoryGenerator: InventoryGenerator
  deployer: Deployer
  healthChecker: HealthChecker
}

/** A JSON Schema (draft 2020-12) fragment. */
export type JsonSchema = Record<string, unknown>

/** What a plugin declares to add a cluster kind (answer to the `ai-how:cluster-kinds` hook). */
export interface ClusterKindRegistration {
  /** Config key under `clusters:`; lowercase, [a-z][a-z0-9-]*. */
  key: string
  /** Key of its entry in state.json, conventionally `<key>_cluster`. */
  stateKey: string
  description: string
  /** JSON Schema (2020-12) of the clusters.<key> section. */
  schema: JsonSchema
  /** Kind-neutral view of a section that passed the schema (used for semantic checks and plan). */
  describe(section: unknown, loaded: Omit<LoadedConfig, 'warnings'>): ClusterDescription
  /** Extra checks only this kind understands; core adds them to its own. */
  check?(section: unknown, loaded: Omit<LoadedConfig, 'warnings'>): ConfigIssue[]
  provisioner?: Provisioner
  inventoryGenerator?: InventoryGenerator
  deployer?: Deployer
  healthChecker?: HealthChecker
}

/** A registration as core keeps it: with the name of the plugin that made it. */
export interface ClusterKind extends ClusterKindRegistration {
  plugin: string
}

/** How a check came out: passed, a problem that does not block, a problem that does, or not applicable here. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip'

/** A host prerequisite that a contribution needs (e.g. IOMMU on, vfio-pci bound). */
export interface HostCheckResult {
  id: string
  /** False for a problem (fail or warn); true when it passed or does not apply (skip). */
  ok: boolean
  message: string
  /** Exact steps that fix it. */
  fix: string[]
  /** 'warning': it fails only for nodes that are not started (auto_start: false); a start goes on without them. */
  severity?: 'warning'
  /** Explicit status; without it, ok → 'ok', severity 'warning' → 'warn', else 'fail'. 'skip' says why in the message. */
  status?: CheckStatus
  /** Facts shown under the check (e.g. the GPUs found with their IOMMU groups and drivers). */
  detail?: string[]
}

/** Libvirt domain XML fragments and rules a plugin contributes to one VM. */
export interface NodeContribution {
  /** `<hostdev>` and other `<devices>` children, already escaped XML. */
  devicesXml: string[]
  /** True when the VM must have no VNC/QXL graphics (GPU passthrough). */
  disableGraphics: boolean
  /** Human summary for plan/status, e.g. 'NVIDIA GA102GL [RTX A6000] (0000:01:00.0)'. */
  summary?: string
}

export type NodeLifecyclePhase = 'before-start' | 'after-start' | 'after-stop' | 'after-destroy'

// A type alias, not an interface: oclif hook options must be assignable to Record<string, unknown>.
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions
export type NodeLifecycleEvent = {
  phase: NodeLifecyclePhase
  kind: string
  cluster: ClusterDescription
  node: NodeDescription
  statePath: string
  libvirtUri: string
}
