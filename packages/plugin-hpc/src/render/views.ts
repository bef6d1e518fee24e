/**
 * The view models the libvirt templates (templates/libvirt/*.hbs) are rendered from. Every key is
 * always present (null or [] when unused) because the templates compile with `strict: true`, where
 * a missing key is an error rather than an empty string.
 */
import type {VolumeRef} from '../hypervisor/types.js'

export interface OwnerView {
  ns: string
  cluster: string
  kind: string
}

export interface DomainOwnerView extends OwnerView {
  role: string
  node: string
  volumes: VolumeRef[]
}

export interface CpuFeatureView {
  name: string
  policy: 'require' | 'disable'
}

export interface CpuView {
  /** host-passthrough | host-model; ignored when `model` is set (custom mode). */
  mode: string
  /** Named CPU model (custom mode, e.g. qemu64), or null. */
  model: string | null
  sockets: number
  cores: number
  threads: number
  features: CpuFeatureView[]
}

export interface DomainView {
  type: 'kvm' | 'qemu'
  name: string
  uuid: string | null
  owner: DomainOwnerView
  memoryMib: number
  memoryBacking: {hugepageKib: number | null; memfd: boolean} | null
  vcpus: number
  cpuPins: {vcpu: number; cpuset: string}[]
  machine: 'pc' | 'q35'
  boot: {kernel: string; initrd: string | null; cmdline: string | null} | null
  hideKvm: boolean
  cpu: CpuView
  disk: {path: string}
  cdrom: {path: string; dev: string; bus: 'ide' | 'sata'} | null
  nic: {mac: string; network: string}
  filesystems: {hostPath: string; tag: string}[]
  console: {logPath: string}
  graphics: boolean
  /** Already-escaped XML fragments contributed by plugins (rendered verbatim). */
  devicesXml: string[]
}

export interface DhcpHostView {
  mac: string
  name: string
  ip: string
}

export interface NetworkView {
  name: string
  uuid: string | null
  owner: OwnerView
  bridge: string
  /** DNS domain of the network, e.g. mycluster.local. */
  domain: string
  forwarders: string[]
  gateway: string
  netmask: string
  dhcpStart: string
  dhcpEnd: string
  hosts: DhcpHostView[]
}

export interface PoolView {
  name: string
  uuid: string | null
  path: string
}

export interface VolumeView {
  name: string
  capacityBytes: number
  format: 'qcow2' | 'raw'
  backing: {path: string; format: 'qcow2' | 'raw'} | null
}
