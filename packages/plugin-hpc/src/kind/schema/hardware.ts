/** Schema of `hardware.acceleration`: KVM, CPU model and topology, hugepages. */
import type {JsonSchema} from '@ai-how/core'

export const CPU_MODES = ['host-passthrough', 'host-model', 'custom'] as const

export const cpuTopologySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['sockets', 'cores', 'threads'],
  description: 'Guest CPU topology; sockets x cores x threads must equal each node\'s cpu_cores.',
  properties: {
    sockets: {type: 'integer', minimum: 1, maximum: 4, description: 'CPU sockets (1-4).'},
    cores: {type: 'integer', minimum: 1, maximum: 64, description: 'Cores per socket (1-64).'},
    threads: {type: 'integer', minimum: 1, maximum: 2, description: 'Threads per core (1-2).'},
  },
}

export const performanceSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Memory and CPU tuning.',
  properties: {
    enable_hugepages: {type: 'boolean', default: false, description: 'Back guest memory with host hugepages (they must be reserved on the host).'},
    hugepage_size: {enum: ['2M', '1G'], default: '2M', description: 'Hugepage size: 2M or 1G.'},
    cpu_pinning: {type: 'boolean', default: false, description: 'Pin vCPUs to host CPUs.'},
    memory_backing: {enum: ['default', 'hugepages', 'memfd'], default: 'default', description: 'Guest memory backing: default, hugepages or memfd (memfd is needed by virtio-fs).'},
  },
}

export const accelerationSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Virtualisation settings of every VM of the cluster.',
  properties: {
    enable_kvm: {type: 'boolean', default: true, description: 'Use KVM (domain type kvm); false runs plain QEMU emulation (slow, but works without /dev/kvm).'},
    enable_nested: {type: 'boolean', default: false, description: 'Expose virtualisation extensions to the guests (nested KVM).'},
    cpu_model: {
      enum: [...CPU_MODES],
      default: 'host-passthrough',
      description: 'libvirt CPU mode: host-passthrough (default), host-model, or custom (with cpu_model_name).',
      aiHowHint: 'Use host-passthrough, host-model, or custom together with cpu_model_name (e.g. Skylake-Server).',
    },
    cpu_model_name: {type: 'string', pattern: '^[A-Za-z0-9_.-]+$', description: 'Named CPU model for cpu_model: custom, e.g. Skylake-Server (see `virsh cpu-models x86_64`).'},
    cpu_features: {
      type: 'array',
      items: {type: 'string', pattern: '^[+-]?[a-zA-Z0-9_.]+$', description: 'A CPU feature, optionally prefixed + (require) or - (disable).'},
      description: 'CPU features to require (+name or name) or disable (-name).',
    },
    cpu_topology: cpuTopologySchema,
    performance: performanceSchema,
  },
  if: {properties: {cpu_model: {const: 'custom'}}, required: ['cpu_model']},
  then: {required: ['cpu_model_name'], properties: {cpu_model_name: true}},
}

export const hardwareSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Hardware settings shared by every VM of the cluster.',
  properties: {acceleration: accelerationSchema},
}
