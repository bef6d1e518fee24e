export {macForVm} from './mac.js'
export {
  baseVolumeName,
  computeVmName,
  controlPlaneVmName,
  controllerVmName,
  cpuWorkerVmName,
  gpuWorkerVmName,
  networkName,
  nodeKeys,
  ordinal,
  poolName,
  seedVolumeName,
  vmName,
  vmVolumeName,
} from './names.js'
export {
  CLUSTER_NAME_PATTERN,
  assertClusterName,
  assertSafeObjectName,
  isSafeObjectName,
  isValidClusterName,
} from './validate.js'
