/**
 * A VmClusterSpec from the config fields every VM kind shares (ClusterCommonConfig: image, network,
 * hardware, ssh) and each node's own entry (kernel, virtio-fs), plus the command's flags.
 */
import {readFileSync} from 'node:fs'
import type {ClusterContext, NodeDescription} from '@ai-how/core'
import {DEFAULT_SEED_USER} from '../cloud-init/view.js'
import type {ClusterCommonConfig, NodeSpecConfig} from '../kind/types.js'
import {isLocalUri} from './images.js'
import {clusterKnownHostsPath} from '../ssh/known-hosts.js'
import {DEFAULT_CONSOLE_LOG_DIR, DEFAULT_POOL_ROOT, poolPath} from './paths.js'
import type {NodeVmOptions, VmClusterSpec} from './types.js'

export const DEFAULT_SSH_TIMEOUT_S = 600
export const DEFAULT_CONCURRENCY = 4

/** A command flag by its name (`ssh-timeout`) or its camelCase form, when it is a number. */
export function numberOption(options: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const camel = name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())
  const value = options[name] ?? options[camel]
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

export function booleanOption(options: Readonly<Record<string, unknown>>, name: string): boolean {
  const camel = name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())
  return (options[name] ?? options[camel]) === true
}

/** vmx or svm from the host's /proc/cpuinfo (for nested virtualization), when libvirt runs here. */
export function hostVirtFlag(uri: string, cpuinfo = '/proc/cpuinfo'): 'vmx' | 'svm' | undefined {
  if (!isLocalUri(uri)) return undefined
  try {
    const flags = /^flags\s*:(.*)$/m.exec(readFileSync(cpuinfo, 'utf8'))?.[1]?.split(/\s+/) ?? []
    return flags.includes('vmx') ? 'vmx' : flags.includes('svm') ? 'svm' : undefined
  } catch {
    return undefined
  }
}

export function nodeVmOptions(node: NodeSpecConfig | undefined): NodeVmOptions {
  if (node === undefined) return {}
  const options: NodeVmOptions = {}
  if (node.kernel !== undefined) {
    options.kernel = {path: node.kernel, ...(node.initrd === undefined ? {} : {initrd: node.initrd}), ...(node.cmdline === undefined ? {} : {cmdline: node.cmdline})}
  }
  const mounts = node.virtio_fs_mounts ?? []
  if (mounts.length > 0) options.filesystems = mounts.map((m) => ({hostPath: m.host_path, tag: m.tag}))
  return options
}

export interface SpecInput {
  ctx: ClusterContext
  common: ClusterCommonConfig
  /** The config entry of each node, by node key. */
  nodeConfigs: ReadonlyMap<string, NodeSpecConfig>
  stateKey: string
}

export function vmSpecFromConfig({ctx, common, nodeConfigs, stateKey}: SpecInput): VmClusterSpec {
  const accel = common.hardware?.acceleration
  const perf = accel?.performance
  const enableKvm = accel?.enable_kvm ?? true
  const uri = ctx.cluster.libvirtUri ?? 'qemu:///system'
  const nested = accel?.enable_nested === true && enableKvm ? hostVirtFlag(uri) : undefined
  if (perf?.cpu_pinning === true) ctx.log.warn('hardware.acceleration.performance.cpu_pinning is not applied yet: vCPUs float over the host CPUs.')
  const cpuModel = accel?.cpu_model === 'custom' ? accel.cpu_model_name : accel?.cpu_model
  const net = common.network
  const sshTimeout = numberOption(ctx.options, 'ssh-timeout') ?? DEFAULT_SSH_TIMEOUT_S
  const spec: VmClusterSpec = {
    cluster: ctx.cluster,
    stateKey,
    statePath: ctx.statePath,
    outputDir: ctx.outputDir,
    configFile: ctx.loaded.file,
    baseImagePath: common.base_image_path,
    poolPath: poolPath(common.name, process.env.AI_HOW_POOL_ROOT ?? DEFAULT_POOL_ROOT),
    consoleLogDir: DEFAULT_CONSOLE_LOG_DIR,
    cpu: {
      enableKvm,
      ...(cpuModel === undefined ? {} : {cpuModel}),
      ...(accel?.cpu_features === undefined ? {} : {cpuFeatures: accel.cpu_features}),
      ...(nested === undefined ? {} : {nestedFeature: nested}),
    },
    dhcp: {
      ...(net.dhcp_start === undefined ? {} : {start: net.dhcp_start}),
      ...(net.dhcp_end === undefined ? {} : {end: net.dhcp_end}),
      ...(net.dns_servers === undefined ? {} : {dnsServers: net.dns_servers}),
    },
    nodeOptions: (node: NodeDescription) => nodeVmOptions(nodeConfigs.get(node.key)),
    ssh: {
      user: common.ssh?.user ?? DEFAULT_SEED_USER,
      ...(common.ssh?.private_key_path === undefined ? {} : {privateKeyPath: common.ssh.private_key_path}),
      knownHostsFile: clusterKnownHostsPath(ctx.outputDir, common.name),
    },
    concurrency: DEFAULT_CONCURRENCY,
    sshTimeoutMs: Math.max(1, sshTimeout) * 1000,
    strictCloudInit: booleanOption(ctx.options, 'strict-cloud-init'),
  }
  if (perf !== undefined && (perf.enable_hugepages === true || perf.memory_backing === 'hugepages')) spec.hugepageSize = perf.hugepage_size ?? '2M'
  if (perf?.memory_backing === 'memfd') spec.memfd = true
  return spec
}
