/** The schema fragment of `clusters.cloud`: a Kubernetes cluster (control plane + workers). */
import type {JsonSchema} from '@ai-how/core'
import {COMMON_CLUSTER_REQUIRED, commonClusterProperties, filePath, fixedNodeSchema, nodeListSchema} from '@ai-how/plugin-hpc'

const kubernetesSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['cni', 'ingress', 'storage_class'],
  description: 'Kubernetes settings of the Kubespray deployment.',
  properties: {
    cni: {type: 'string', pattern: '^[a-z0-9_-]+$', description: 'Network plugin (Kubespray kube_network_plugin), e.g. calico, cilium, flannel.'},
    ingress: {type: 'string', pattern: '^[a-z0-9_-]+$', description: 'Ingress controller, e.g. nginx.'},
    storage_class: {type: 'string', pattern: '^[a-z0-9.-]+$', description: 'Default storage class, e.g. local-path.'},
    kubespray_path: filePath('Kubespray checkout used to deploy (its cluster.yml); relative to this config file.'),
    playbook: filePath('Deploy playbook run against the generated inventory (default: deploy-cloud-cluster.yml); relative to this config file.'),
    version: {type: 'string', pattern: '^v?[0-9]+\\.[0-9]+\\.[0-9]+$', description: 'Kubernetes version for Kubespray (kube_version), e.g. 1.30.4; default: the one the Kubespray checkout pins.'},
  },
}

export const cloudClusterSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: [...COMMON_CLUSTER_REQUIRED, 'control_plane', 'worker_nodes', 'kubernetes_config'],
  description: 'A Kubernetes cluster: one control plane and a list of workers (a worker with a passed-through GPU is a GPU worker).',
  properties: {
    ...commonClusterProperties,
    control_plane: fixedNodeSchema('The Kubernetes control plane VM.'),
    worker_nodes: nodeListSchema(
      'The workers, in order; those with pcie_passthrough enabled and a gpu device become <name>-gpu-worker-NN, the others <name>-cpu-worker-NN.',
      'One worker VM.',
    ),
    kubernetes_config: kubernetesSchema,
  },
}
