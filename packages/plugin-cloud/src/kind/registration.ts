/** The cloud cluster kind as registered through the `ai-how:cluster-kinds` hook, with its four contracts. */
import type {ClusterKindRegistration} from '@ai-how/core'
import {cloudDeployer} from '../cloud/deployer.js'
import {cloudHealthChecker} from '../cloud/health.js'
import {cloudProvisioner} from '../cloud/provisioner.js'
import {cloudInventoryGenerator} from '../inventory/generator.js'
import {CLOUD_KIND, checkCloud, describeCloud} from './describe.js'
import {cloudClusterSchema} from './schema.js'

export const cloudClusterKind: ClusterKindRegistration = {
  key: CLOUD_KIND,
  stateKey: 'cloud_cluster',
  description: 'Kubernetes cluster (Kubespray): a control plane, CPU workers and GPU workers with PCIe passthrough',
  schema: cloudClusterSchema,
  describe: describeCloud,
  check: checkCloud,
  provisioner: cloudProvisioner,
  inventoryGenerator: cloudInventoryGenerator,
  deployer: cloudDeployer,
  healthChecker: cloudHealthChecker,
}
