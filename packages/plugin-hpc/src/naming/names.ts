/**
 * Names of every libvirt object ai-how derives from a cluster name (reference-compatible). Each
 * function validates its input, so a name that leaves here is safe in XML and on a command line.
 */
import {assertClusterName, assertSafeObjectName} from './validate.js'

/** Two-digit 1-based ordinal: 1 -> '01', 12 -> '12', 100 -> '100'. */
export function ordinal(n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`node number must be an integer >= 1, got ${n}`)
  return String(n).padStart(2, '0')
}

export const networkName = (cluster: string): string => `${assertClusterName(cluster)}-network`
export const poolName = (cluster: string): string => `${assertClusterName(cluster)}-pool`
export const baseVolumeName = (cluster: string): string => `${assertClusterName(cluster)}-base.qcow2`

/** Node keys inside a state entry (and suffixes of the VM names). */
export const nodeKeys = {
  controller: 'controller',
  compute: (n: number): string => `compute-${ordinal(n)}`,
  controlPlane: 'control-plane',
  cpuWorker: (n: number): string => `cpu-worker-${ordinal(n)}`,
  gpuWorker: (n: number): string => `gpu-worker-${ordinal(n)}`,
} as const

/** The libvirt domain name of a node: `<cluster>-<node key>`. */
export function vmName(cluster: string, nodeKey: string): string {
  return assertSafeObjectName(`${assertClusterName(cluster)}-${nodeKey}`, 'domain')
}

export const controllerVmName = (cluster: string): string => vmName(cluster, nodeKeys.controller)
export const computeVmName = (cluster: string, n: number): string => vmName(cluster, nodeKeys.compute(n))
export const controlPlaneVmName = (cluster: string): string => vmName(cluster, nodeKeys.controlPlane)
export const cpuWorkerVmName = (cluster: string, n: number): string => vmName(cluster, nodeKeys.cpuWorker(n))
export const gpuWorkerVmName = (cluster: string, n: number): string => vmName(cluster, nodeKeys.gpuWorker(n))

/** The VM's disk (a qcow2 overlay of the base volume) in the cluster pool. */
export const vmVolumeName = (vm: string): string => assertSafeObjectName(`${vm}.qcow2`, 'volume')

/** The VM's cloud-init seed ISO in the cluster pool. */
export const seedVolumeName = (vm: string): string => assertSafeObjectName(`${vm}-seed.iso`, 'volume')
