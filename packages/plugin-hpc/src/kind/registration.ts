/** The hpc cluster kind as registered through the `ai-how:cluster-kinds` hook. */
import type {ClusterKindRegistration} from '@ai-how/core'
import {HPC_KIND, checkHpc, describeHpc} from './hpc-describe.js'
import {hpcClusterSchema} from './schema/hpc.js'
import {hpcDeployer} from '../hpc/deployer.js'
import {hpcInventoryGenerator} from '../hpc/inventory-generator.js'
import {hpcProvisioner} from '../hpc/provisioner.js'
import {hpcHealthChecker} from '../hpc/slurm-health.js'

export const hpcClusterKind: ClusterKindRegistration = {
  key: HPC_KIND,
  stateKey: 'hpc_cluster',
  description: 'Slurm HPC cluster: a controller and compute nodes, optional GPU passthrough',
  schema: hpcClusterSchema,
  describe: describeHpc,
  check: checkHpc,
  provisioner: hpcProvisioner,
  inventoryGenerator: hpcInventoryGenerator,
  deployer: hpcDeployer,
  healthChecker: hpcHealthChecker,
}
