// JSON Schema (draft 2020-12) of the `clusters.devbox` section, built from the fragments that every
// VM kind shares (name, base_image_path, network, hardware, ssh, libvirt_uri; a VM's resources).
import {COMMON_CLUSTER_REQUIRED, commonClusterProperties, ipv4, nodeSpecProperties} from '@ai-how/plugin-hpc'

// Identical boxes share one `vm` entry; GPUs cannot be shared, so passthrough is left out.
const vmProperties = Object.fromEntries(Object.entries(nodeSpecProperties).filter(([key]) => key !== 'pcie_passthrough'))

/** @type {import('@ai-how/core').JsonSchema} */
export const devboxSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'devbox cluster (ai-how-plugin-devbox)',
  description: 'count identical VMs <name>-box-NN from one base image, at first_ip, first_ip + 1, ...',
  type: 'object',
  additionalProperties: false,
  required: [...COMMON_CLUSTER_REQUIRED, 'count', 'first_ip', 'vm'],
  properties: {
    ...commonClusterProperties,
    count: {type: 'integer', minimum: 1, maximum: 32, description: 'How many boxes (1-32).'},
    first_ip: ipv4('IPv4 address of the first box; the others follow it, inside network.subnet.'),
    vm: {
      type: 'object',
      additionalProperties: false,
      required: ['cpu_cores', 'memory_gb', 'disk_gb'],
      dependentRequired: {initrd: ['kernel'], cmdline: ['kernel']},
      description: 'What every box gets: resources, and optionally its own image or a direct kernel boot.',
      properties: vmProperties,
    },
  },
}
