/**
 * What the VM base layer needs to build and manage one cluster, independent of the cluster kind:
 * the kind-neutral ClusterDescription plus the choices a kind derives from its config section
 * (images, pool folder, CPU and boot options, SSH access) and the injected collaborators.
 */
import type {ClusterContext, ClusterContributions, ClusterDescription, Deployer, HealthChecker, Logger, NodeDescription} from '@ai-how/core'
import type {Hypervisor} from '../hypervisor/types.js'
import type {CpuOptions} from '../render/cpu-view.js'
import type {LibvirtRenderer} from '../render/renderer.js'
import type {SeedView} from '../cloud-init/view.js'
import type {WaitForAllOptions} from '../ssh/wait-all.js'
import type {SshReady, WaitForSshOptions} from '../ssh/wait.js'
import type {SshClockStep} from './clock.js'
import type {Clock} from './phase-timer.js'
import type {GuestPowerOff} from './ssh-poweroff.js'

/** Per-node VM choices that the ClusterDescription does not carry. */
export interface NodeVmOptions {
  /** Direct kernel boot (kernel, initrd and cmdline on the libvirt host). */
  kernel?: {path: string; initrd?: string; cmdline?: string}
  /** virtio-fs shares: host folder and mount tag. */
  filesystems?: {hostPath: string; tag: string}[]
  machine?: 'pc' | 'q35'
}

export interface VmSshSpec {
  /** Login user that cloud-init creates with the cluster key. */
  user: string
  /** A configured private key; absent: ai-how's generated per-cluster key pair. */
  privateKeyPath?: string
  knownHostsFile: string
}

export interface VmClusterSpec {
  cluster: ClusterDescription
  /** State entry key, e.g. hpc_cluster. */
  stateKey: string
  statePath: string
  outputDir: string
  configFile: string
  /** Image of every node that names none of its own (absolute path). */
  baseImagePath: string
  /** Folder of the cluster's dir pool on the libvirt host. */
  poolPath: string
  consoleLogDir: string
  /** CPU model, features and KVM (`kvm`) vs software emulation (`qemu` domain type). */
  cpu: CpuOptions
  hugepageSize?: '2M' | '1G'
  memfd?: boolean
  dhcp?: {start?: string; end?: string; dnsServers?: string[]}
  nodeOptions(node: NodeDescription): NodeVmOptions
  ssh: VmSshSpec
  /** Nodes created at the same time (default 4). */
  concurrency: number
  /** How long each started node gets to answer SSH. */
  sshTimeoutMs: number
  /** Any cloud-init failure fails the start (`--strict-cloud-init`); default: a warning when the guest has what ai-how needs. */
  strictCloudInit?: boolean
}

/** Writes a NoCloud seed ISO for `view` to `file`. */
export type SeedBuilder = (view: SeedView, file: string) => Promise<void>

export type SshWaiter = (nodes: readonly WaitForSshOptions[], options: WaitForAllOptions) => Promise<SshReady[]>

/** The kind's deployer and health checker as core resolved them (a third-party hook may replace the kind's own), with the context they get. */
export interface KindExtensions {
  ctx: ClusterContext
  deployer?: Deployer | undefined
  healthChecker?: HealthChecker | undefined
}

export interface ClusterManagerDeps {
  hypervisor: Hypervisor
  /** Resolved through core's extension resolution (absent in tests that run no deploy). */
  extensions?: KindExtensions
  renderer: LibvirtRenderer
  contributions: ClusterContributions
  log: Logger
  /** Default: buildSeedIso with the first ISO tool on PATH. */
  seedBuilder?: SeedBuilder
  /** Default: ssh/waitForAll. */
  waitForSsh?: SshWaiter
  /** How stop powers a guest off over SSH. Default: sshPowerOff. */
  sshPowerOff?: GuestPowerOff
  /** How start steps a restored guest's clock over SSH when its agent does not answer. Default: sshClockStep. */
  sshClockStep?: SshClockStep
  now?: () => Date
  /** The monotonic clock (ms) of the start's timings. Default: performance.now (phase-timer.ts defaultClock). */
  clock?: Clock
}

/** How a run shows progress and what it does on failure. */
export interface RunSettings {
  json: boolean
  keepOnFailure: boolean
  signal?: AbortSignal
  tty?: boolean
  /** Turn SIGINT into a rollback (default true; tests turn it off). */
  handleSigint?: boolean
}
