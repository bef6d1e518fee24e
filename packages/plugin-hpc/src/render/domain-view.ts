/**
 * Builds the DomainView of one node from the kind-neutral NodeDescription plus what only the
 * caller knows (paths, MAC, network, hardware options, plugin contributions). Fixes over the
 * reference templates: no VNC/QXL on a node with passthrough devices, hugepages as a well-formed
 * `<page size unit>`, per-VM CPU pinning from an explicit host CPU list, `kvm` or `qemu` from
 * enable_kvm, optional direct kernel boot (see also cpu-view.ts).
 */
import {ConfigError} from '@ai-how/core'
import type {ClusterDescription, NodeContribution, NodeDescription} from '@ai-how/core'
import {AIHOW_NS} from '../hypervisor/ownership.js'
import type {VolumeRef} from '../hypervisor/types.js'
import {checkMac, checkName, checkPath, checkUuid} from '../hypervisor/validate.js'
import {buildCpuView} from './cpu-view.js'
import type {CpuOptions} from './cpu-view.js'
import type {DomainView} from './views.js'
import {assertXmlFragment, assertXmlText} from './xml-safe.js'

export interface DomainViewOptions extends CpuOptions {
  /** Name of the cluster network the NIC joins. */
  networkName: string
  /** The node's MAC (the same one as in the network's DHCP reservation). */
  mac: string
  /** Path of the node's qcow2 overlay volume. */
  diskPath: string
  /** Path of the node's cloud-init seed ISO (attached as a cdrom), if any. */
  seedIsoPath?: string
  /** File the serial console is logged to. */
  consoleLogPath: string
  /** 'pc' (default: the first NIC is enp0s2, IDE cdrom) or 'q35' (SATA cdrom). */
  machine?: 'pc' | 'q35'
  /** Direct kernel boot. */
  kernel?: {path: string; initrd?: string; cmdline?: string}
  hugepageSize?: '2M' | '1G'
  /** memory_backing: memfd (shared memfd memory; implied by virtio-fs mounts). */
  memfd?: boolean
  /** Host CPU for each vCPU (cpu_pinning), length = cpu_cores. */
  cpuSet?: readonly number[]
  filesystems?: readonly {hostPath: string; tag: string}[]
  contributions?: readonly NodeContribution[]
  /** VNC + QXL console (default true); always off when the node has passthrough devices. */
  graphics?: boolean
  uuid?: string
  /** Volumes the domain owns, recorded in its metadata (overlay, seed). */
  ownedVolumes?: readonly VolumeRef[]
}

const HUGEPAGE_KIB = {'2M': 2048, '1G': 1048576} as const

function invalid(message: string, code: string, action: string): ConfigError {
  return new ConfigError(message, {code, actions: [action]})
}

function cpuPins(node: NodeDescription, cpuSet: readonly number[] | undefined): DomainView['cpuPins'] {
  if (cpuSet === undefined) return []
  if (cpuSet.length !== node.cpuCores || !cpuSet.every((c) => Number.isInteger(c) && c >= 0)) {
    throw invalid(`${node.vmName}: cpu pinning needs ${node.cpuCores} host CPU numbers, got [${cpuSet.join(', ')}]`, 'CPU_PINNING_INVALID', 'Give one host CPU (an integer >= 0) per vCPU.')
  }
  return cpuSet.map((cpu, vcpu) => ({vcpu, cpuset: String(cpu)}))
}

function filesystems(list: DomainViewOptions['filesystems']): DomainView['filesystems'] {
  return (list ?? []).map((fs) => {
    if (!/^[A-Za-z0-9_-]+$/.test(fs.tag)) throw invalid(`invalid virtio-fs tag ${JSON.stringify(fs.tag)}`, 'VIRTIOFS_TAG_INVALID', 'Tags may hold only letters, digits, "_" and "-".')
    return {hostPath: checkPath(fs.hostPath), tag: fs.tag}
  })
}

export function buildDomainView(cluster: ClusterDescription, node: NodeDescription, options: DomainViewOptions): DomainView {
  const type = options.enableKvm ? 'kvm' : 'qemu'
  const machine = options.machine ?? 'pc'
  const contributions = options.contributions ?? []
  const devicesXml = contributions.flatMap((c) => c.devicesXml)
  devicesXml.forEach((xml) => {
    assertXmlFragment(xml, `a plugin (for ${node.vmName})`)
  })
  const passthrough = node.devices.length > 0 || contributions.some((c) => c.disableGraphics)
  const fsList = filesystems(options.filesystems)
  const memfd = options.memfd === true || fsList.length > 0
  const hugepageKib = options.hugepageSize === undefined ? null : HUGEPAGE_KIB[options.hugepageSize]
  const view: DomainView = {
    type,
    name: checkName(node.vmName, 'domain'),
    uuid: options.uuid === undefined ? null : checkUuid(options.uuid),
    owner: {ns: AIHOW_NS, cluster: cluster.name, kind: cluster.kind, role: node.role, node: node.key, volumes: [...(options.ownedVolumes ?? [])]},
    memoryMib: node.memoryGb * 1024,
    memoryBacking: hugepageKib !== null || memfd ? {hugepageKib, memfd} : null,
    vcpus: node.cpuCores,
    cpuPins: cpuPins(node, options.cpuSet),
    machine,
    boot: options.kernel
      ? {kernel: checkPath(options.kernel.path), initrd: options.kernel.initrd === undefined ? null : checkPath(options.kernel.initrd), cmdline: options.kernel.cmdline ?? null}
      : null,
    hideKvm: type === 'kvm' && node.devices.some((d) => d.deviceType === 'gpu'),
    cpu: buildCpuView(node, options),
    disk: {path: checkPath(options.diskPath)},
    cdrom: options.seedIsoPath === undefined ? null : {path: checkPath(options.seedIsoPath), ...(machine === 'pc' ? {dev: 'hdc', bus: 'ide' as const} : {dev: 'sda', bus: 'sata' as const})},
    nic: {mac: checkMac(options.mac), network: checkName(options.networkName, 'network')},
    filesystems: fsList,
    console: {logPath: checkPath(options.consoleLogPath)},
    graphics: options.graphics !== false && !passthrough,
    devicesXml,
  }
  assertXmlText(view)
  return view
}
