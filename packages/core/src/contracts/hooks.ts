/**
 * oclif custom hook events of ai-how. Each returns plain data; core collects `failures` and reports
 * them with the plugin's name (a throwing hook is never swallowed).
 */
import type {Hooks} from '@oclif/core/hooks'
import type {ClusterDescription, NodeDescription} from './cluster.js'
import type {
  ClusterKindRegistration,
  Deployer,
  HealthChecker,
  HostCheckResult,
  InventoryGenerator,
  NodeContribution,
  NodeLifecycleEvent,
  Provisioner,
} from './extensions.js'

// A type alias, not an interface: oclif hook options must be assignable to Record<string, unknown>.
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions
export type NodeContributionOptions = {
  kind: string
  cluster: ClusterDescription
  node: NodeDescription
}

// A type alias, not an interface: oclif hook options must be assignable to Record<string, unknown>.
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions
export type HostChecksOptions = {
  clusters: ClusterDescription[]
  /** Root of sysfs/procfs (tests point it at a fixture tree); '/' on a real host. */
  hostRoot: string
  /**
   * `ai-how doctor`: also check what this host needs in general (IOMMU, vfio, CPU virtualization,
   * the GPUs found), whether or not a cluster asks for it; a check that does not apply is 'skip'.
   */
  hostWide?: boolean
}

export interface AiHowHooks extends Hooks {
  /** Registration: every plugin answers the cluster kinds it adds (possibly none). */
  'ai-how:cluster-kinds': {options: Record<string, never>; return: ClusterKindRegistration[]}
  /** The four extension points: answer an implementation for `kind`, or undefined if you do not own it. */
  'ai-how:provisioner': {options: {kind: string}; return: Provisioner | undefined}
  'ai-how:inventory-generator': {options: {kind: string}; return: InventoryGenerator | undefined}
  'ai-how:deployer': {options: {kind: string}; return: Deployer | undefined}
  'ai-how:health-checker': {options: {kind: string}; return: HealthChecker | undefined}
  /** Contribution point: devices and rules for one VM (undefined when the plugin has nothing for it). */
  'ai-how:node-contributions': {options: NodeContributionOptions; return: NodeContribution | undefined}
  /** Host prerequisites for the nodes of these clusters (e.g. passthrough readiness). */
  'ai-how:host-checks': {options: HostChecksOptions; return: HostCheckResult[]}
  /** Node lifecycle: before-start may throw to refuse the start (e.g. GPU held by another VM). */
  'ai-how:node-lifecycle': {options: NodeLifecycleEvent; return: undefined}
}

/** The names of ai-how's own hook events. */
export type AiHowEvent =
  | 'ai-how:cluster-kinds'
  | 'ai-how:provisioner'
  | 'ai-how:inventory-generator'
  | 'ai-how:deployer'
  | 'ai-how:health-checker'
  | 'ai-how:node-contributions'
  | 'ai-how:host-checks'
  | 'ai-how:node-lifecycle'
