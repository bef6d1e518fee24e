/** The schema fragment of `clusters.hpc`: a Slurm cluster (controller + compute nodes). */
import type {JsonSchema} from '@ai-how/core'
import {filePath} from './common.js'
import {COMMON_CLUSTER_REQUIRED, commonClusterProperties} from './cluster.js'
import {fixedNodeSchema, nodeListSchema} from './node.js'

const PARTITION_PATTERN = '^[A-Za-z0-9_-]+$'

const slurmSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['partitions', 'default_partition'],
  description: 'Slurm settings passed to the deploy playbook.',
  properties: {
    partitions: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: {type: 'string', pattern: PARTITION_PATTERN, description: 'A partition name.'},
      description: 'Slurm partitions to create.',
    },
    default_partition: {type: 'string', pattern: PARTITION_PATTERN, description: 'The default partition; one of partitions.'},
    max_job_time: {
      type: 'string',
      pattern: '^(UNLIMITED|INFINITE|[0-9]+(-[0-9]+)?(:[0-9]+){0,2})$',
      description: 'Maximum job time in Slurm time format, e.g. 24:00:00, 2-00:00:00 or UNLIMITED.',
      aiHowHint: 'Use a Slurm time: minutes, HH:MM:SS, D-HH:MM:SS or UNLIMITED.',
    },
  },
}

const beegfsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['enabled', 'mount_point'],
  description: 'BeeGFS parallel file system across the cluster nodes.',
  properties: {
    enabled: {type: 'boolean', description: 'Deploy BeeGFS.'},
    mount_point: {type: 'string', pattern: '^/', default: '/mnt/beegfs', description: 'Absolute mount point on every node.'},
    management_node: {type: 'string', minLength: 1, default: 'controller', description: 'Node that runs the BeeGFS management service.'},
    metadata_nodes: {type: 'array', minItems: 1, items: {type: 'string', minLength: 1, description: 'A node name.'}, description: 'Nodes that run metadata services.'},
    storage_nodes: {type: 'array', minItems: 1, items: {type: 'string', minLength: 1, description: 'A node name.'}, description: 'Nodes that run storage services.'},
    client_config: {
      type: 'object',
      additionalProperties: false,
      description: 'BeeGFS client settings.',
      properties: {
        mount_options: {type: 'string', default: 'defaults,_netdev', description: 'Client mount options.'},
        auto_mount: {type: 'boolean', default: true, description: 'Mount at boot.'},
      },
    },
  },
}

const storageSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Shared storage of the cluster (passed to the deploy playbook).',
  properties: {
    beegfs: beegfsSchema,
    virtio_fs: {
      type: 'object',
      additionalProperties: false,
      required: ['enabled'],
      description: 'virtio-fs host sharing (mounts are declared per node in virtio_fs_mounts).',
      properties: {enabled: {type: 'boolean', description: 'Set up the virtio-fs mounts in the guests.'}},
    },
  },
}

const deploySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'How `ai-how hpc start` deploys Slurm onto the VMs.',
  properties: {
    playbook: filePath('Ansible playbook run against the generated inventory; relative to this config file.'),
    extra_vars: {type: 'object', description: 'Extra variables passed to ansible-playbook (-e).'},
  },
}

export const hpcClusterSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: [...COMMON_CLUSTER_REQUIRED, 'controller', 'compute_nodes', 'slurm_config'],
  description: 'A Slurm HPC cluster: one controller and a list of compute nodes.',
  properties: {
    ...commonClusterProperties,
    controller: fixedNodeSchema('The Slurm controller VM.'),
    compute_nodes: nodeListSchema('The compute nodes, in order: <name>-compute-01, -02, ...', 'One compute node VM.'),
    slurm_config: slurmSchema,
    storage: storageSchema,
    deploy: deploySchema,
  },
}
