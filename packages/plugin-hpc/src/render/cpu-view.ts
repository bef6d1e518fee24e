/**
 * The `<cpu>` element of a node, with the reference's defects fixed:
 * - the topology always multiplies out to the vCPU count (default sockets=1, cores=vcpus, threads=1);
 *   a configured topology that does not is an error, never a silently different `<vcpu>`;
 * - every configured feature is honoured: `+feat` or `feat` -> require, `-feat` -> disable;
 * - nested virtualization requires ONE vendor flag (vmx on Intel, svm on AMD), and only when the CPU
 *   is not passed through (host-passthrough already exposes it); never both, which no host has;
 * - without KVM (TCG), host-passthrough and host-model cannot work: a custom qemu64 model is used.
 */
import {ConfigError} from '@ai-how/core'
import type {NodeDescription} from '@ai-how/core'
import type {CpuFeatureView, CpuView} from './views.js'

export interface CpuOptions {
  enableKvm: boolean
  /** hardware.acceleration.cpu_model: host | host-passthrough | host-model | a named model (qemu64). Default host-passthrough. */
  cpuModel?: string
  /** hardware.acceleration.cpu_features, e.g. ['+avx2', '-hle']. */
  cpuFeatures?: readonly string[]
  /** When nested virtualization is asked for: the host's flag (vmx or svm). */
  nestedFeature?: 'vmx' | 'svm'
}

/** The CPU model TCG emulates when the host CPU cannot be used. */
export const TCG_CPU_MODEL = 'qemu64'

const FEATURE = /^([+-]?)([A-Za-z0-9_][A-Za-z0-9_.-]*)$/
const MODEL = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/

function configError(message: string, code: string, action: string): ConfigError {
  return new ConfigError(message, {code, actions: [action]})
}

function parseFeatures(specs: readonly string[]): CpuFeatureView[] {
  const byName = new Map<string, CpuFeatureView>()
  for (const spec of specs) {
    const match = FEATURE.exec(spec)
    if (!match?.[2]) throw configError(`invalid cpu feature ${JSON.stringify(spec)}`, 'CPU_FEATURE_INVALID', 'Write features as "+name" (require) or "-name" (disable), e.g. "+avx2".')
    byName.set(match[2], {name: match[2], policy: match[1] === '-' ? 'disable' : 'require'})
  }
  return [...byName.values()]
}

export function buildCpuView(node: NodeDescription, options: CpuOptions): CpuView {
  const topology = node.cpuTopology ?? {sockets: 1, cores: node.cpuCores, threads: 1}
  const product = topology.sockets * topology.cores * topology.threads
  if (product !== node.cpuCores) {
    throw configError(
      `${node.vmName}: cpu topology ${topology.sockets}x${topology.cores}x${topology.threads} = ${product} vCPUs, but cpu_cores is ${node.cpuCores}`,
      'CPU_TOPOLOGY_MISMATCH',
      'Make sockets x cores x threads equal cpu_cores, or drop cpu_topology (default: 1 socket, cpu_cores cores, 1 thread).',
    )
  }
  const requested = options.cpuModel === undefined || options.cpuModel === 'host' ? 'host-passthrough' : options.cpuModel
  const hostCpu = requested === 'host-passthrough' || requested === 'host-model'
  if (!hostCpu && !MODEL.test(requested)) {
    throw configError(`invalid cpu model ${JSON.stringify(requested)}`, 'CPU_MODEL_INVALID', 'Use host-passthrough, host-model or a libvirt CPU model name such as qemu64.')
  }
  const model = !options.enableKvm && hostCpu ? TCG_CPU_MODEL : hostCpu ? null : requested
  const mode = model === null ? requested : 'custom'
  const features = parseFeatures(options.cpuFeatures ?? [])
  const nested = options.nestedFeature
  if (nested !== undefined && mode !== 'host-passthrough' && !features.some((f) => f.name === nested)) {
    features.push({name: nested, policy: 'require'})
  }
  return {mode, model, sockets: topology.sockets, cores: topology.cores, threads: topology.threads, features}
}
