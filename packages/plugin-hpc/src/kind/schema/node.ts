/** Schema of one VM: resources, disk image, PCIe passthrough, virtio-fs mounts, direct kernel boot. */
import type {JsonSchema} from '@ai-how/core'
import {PCI_ADDRESS_PATTERN, filePath, ipv4, ipv4OrDhcp, qcow2Path} from './common.js'

export const DEVICE_TYPES = ['gpu', 'audio', 'network', 'storage', 'other'] as const

/** QEMU's pc (i440FX) machine: "The max CPUs supported by machine 'pc-i440fx-...' is 255". */
export const MAX_CPU_CORES = 255
/** 16 TiB: far above any host ai-how runs on, and small enough that MiB and KiB values stay exact integers. */
export const MAX_MEMORY_GB = 16_384
/** 2 PiB (2^51 bytes): qemu-img refuses a larger qcow2 image with the default 64 KiB clusters. */
export const MAX_DISK_GB = 2_097_152

export const pciDeviceSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['pci_address', 'device_type'],
  description: 'One host PCI function passed through to the VM.',
  properties: {
    pci_address: {
      type: 'string',
      pattern: PCI_ADDRESS_PATTERN,
      description: 'Host PCI address domain:bus:slot.function, e.g. 0000:01:00.0.',
      aiHowHint: 'Copy the address from `ai-how gpu list` or `lspci -D`: 4 hex digits, ":", 2, ":", 2, ".", then a function 0-7.',
    },
    device_type: {
      enum: [...DEVICE_TYPES],
      description: 'What the function is: gpu, audio (a GPU\'s HDMI audio), network, storage or other.',
    },
    vendor_id: {type: 'string', pattern: '^[0-9a-fA-F]{4}$', description: 'PCI vendor id (4 hex digits, e.g. 10de); checked against the host.'},
    device_id: {type: 'string', pattern: '^[0-9a-fA-F]{4}$', description: 'PCI device id (4 hex digits); checked against the host.'},
    iommu_group: {type: 'integer', minimum: 0, description: 'IOMMU group of the device (informational).'},
  },
}

export const pciePassthroughSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'PCIe passthrough of host devices (GPUs) to this VM.',
  properties: {
    enabled: {type: 'boolean', default: false, description: 'Pass the listed devices through (default false).'},
    devices: {type: 'array', items: pciDeviceSchema, description: 'Host PCI functions to pass through; list every function of a GPU (video and audio).'},
  },
  if: {properties: {enabled: {const: true}}, required: ['enabled']},
  then: {
    required: ['devices'],
    properties: {devices: {type: 'array', minItems: 1}},
  },
  aiHowHint: 'With enabled: true, list at least one device (pci_address + device_type), or set enabled: false.',
}

export const virtioFsMountSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['tag', 'host_path', 'mount_point'],
  description: 'A host folder shared into the VM with virtio-fs.',
  properties: {
    tag: {type: 'string', pattern: '^[a-zA-Z0-9_-]{1,36}$', description: 'Mount tag seen by the guest (letters, digits, "_", "-"; at most 36).'},
    host_path: filePath('Host folder to share; relative to this config file.'),
    mount_point: {type: 'string', pattern: '^/', description: 'Absolute mount point inside the VM.'},
    owner: {type: 'string', default: 'admin', description: 'Owner of the mount point in the VM.'},
    group: {type: 'string', default: 'admin', description: 'Group of the mount point in the VM.'},
    mode: {type: 'string', pattern: '^0[0-7]{3}$', default: '0755', description: 'Octal mode of the mount point, e.g. 0755.'},
    options: {type: 'string', default: 'rw,relatime', description: 'Mount options in the VM.'},
  },
}

/** Properties every VM accepts (resources, image, devices, boot). */
export const nodeSpecProperties: Record<string, JsonSchema> = {
  cpu_cores: {type: 'integer', minimum: 1, maximum: MAX_CPU_CORES, description: `Number of vCPUs (1-${MAX_CPU_CORES}).`, aiHowHint: `Use a whole number of vCPUs from 1 to ${MAX_CPU_CORES} (the most QEMU's pc machine, which ai-how uses, takes).`},
  memory_gb: {type: 'integer', minimum: 1, maximum: MAX_MEMORY_GB, description: `Memory in GiB (1-${MAX_MEMORY_GB}).`, aiHowHint: `Use a whole number of GiB from 1 to ${MAX_MEMORY_GB} (16 TiB).`},
  disk_gb: {type: 'integer', minimum: 10, maximum: MAX_DISK_GB, description: `Size of the VM disk in GiB (10-${MAX_DISK_GB}).`, aiHowHint: `Use a whole number of GiB from 10 to ${MAX_DISK_GB} (2 PiB, the largest qcow2 image qemu-img creates with 64 KiB clusters).`},
  auto_start: {type: 'boolean', default: true, description: 'Start the VM with the cluster (default true); false only defines it.'},
  base_image_path: qcow2Path('Base image of this VM (default: the cluster base_image_path).'),
  pcie_passthrough: pciePassthroughSchema,
  virtio_fs_mounts: {type: 'array', items: virtioFsMountSchema, description: 'Host folders shared into the VM with virtio-fs.'},
  kernel: filePath('Kernel image for direct kernel boot (the VM boots it instead of the disk\'s boot loader).'),
  initrd: filePath('Initial ramdisk for direct kernel boot (needs kernel).'),
  cmdline: {type: 'string', description: 'Kernel command line for direct kernel boot (needs kernel).'},
}

const NODE_REQUIRED = ['cpu_cores', 'memory_gb', 'disk_gb']
const KERNEL_DEPENDENTS = {initrd: ['kernel'], cmdline: ['kernel']}

/** A single named node (controller, control plane): a fixed IPv4 `ip_address`. */
export function fixedNodeSchema(description: string): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: [...NODE_REQUIRED, 'ip_address'],
    dependentRequired: KERNEL_DEPENDENTS,
    description,
    properties: {...nodeSpecProperties, ip_address: ipv4('Static IPv4 address of the VM, inside the cluster subnet.')},
  }
}

/** A list of nodes (compute nodes, workers), each with `ip` (IPv4 or DHCP). List form only. */
export function nodeListSchema(description: string, itemDescription: string): JsonSchema {
  return {
    type: 'array',
    minItems: 1,
    description,
    aiHowHint: 'Give a list with one entry per VM, each with cpu_cores, memory_gb, disk_gb and ip.',
    items: {
      type: 'object',
      additionalProperties: false,
      required: [...NODE_REQUIRED, 'ip'],
      dependentRequired: KERNEL_DEPENDENTS,
      description: itemDescription,
      properties: {...nodeSpecProperties, ip: ipv4OrDhcp('IPv4 address of the VM inside the cluster subnet, or DHCP.')},
    },
  }
}
