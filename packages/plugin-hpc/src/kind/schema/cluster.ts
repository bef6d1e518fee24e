/** Properties every VM cluster kind shares: name, base image, network, hardware, ssh, libvirt_uri. */
import type {JsonSchema} from '@ai-how/core'
import {CLUSTER_NAME_PATTERN} from '../../naming/validate.js'
import {libvirtUriSchema, qcow2Path, sshSchema} from './common.js'
import {hardwareSchema} from './hardware.js'
import {networkSchema} from './network.js'

export const clusterNameSchema: JsonSchema = {
  type: 'string',
  pattern: CLUSTER_NAME_PATTERN,
  description: 'Cluster name: prefix of every libvirt object (network, pool, volumes, VMs).',
  aiHowHint: 'Use lowercase letters, digits and "-", starting with a letter, at most 41 characters (e.g. hpc-cluster).',
}

export const commonClusterProperties: Record<string, JsonSchema> = {
  name: clusterNameSchema,
  base_image_path: qcow2Path('Base qcow2 image every VM is an overlay of; relative to this config file.'),
  network: networkSchema,
  hardware: hardwareSchema,
  ssh: sshSchema,
  libvirt_uri: libvirtUriSchema,
}

export const COMMON_CLUSTER_REQUIRED = ['name', 'base_image_path', 'network'] as const
