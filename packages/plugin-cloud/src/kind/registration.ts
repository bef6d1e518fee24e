/** The cloud cluster kind as registered through the `ai-how:cluster-kinds` hook. */
import type {ClusterKindRegistration} from '@ai-how/core'
import {CLOUD_KIND, describeCloud} from './describe.js'
import {cloudClusterSchema} from './schema.js'

export const cloudClusterKind: ClusterKindRegistration = {
  key: CLOUD_KIND,
  stateKey: 'cloud_cluster',
  description: 'Kubernetes cluster (Kubespray): a control plane, CPU workers and GPU workers with PCIe passthrough',
  schema: cloudClusterSchema,
  describe: describeCloud,
}
