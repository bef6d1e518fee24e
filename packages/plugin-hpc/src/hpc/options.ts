/** What the hpc commands' flags choose, with their defaults. */
import type {HpcClusterConfig} from '../kind/types.js'
import type {SlurmRunner} from '../slurm/controller.js'

/** Seconds `hpc stop` waits for the jobs of drained nodes (as the cloud kind's drain). */
export const DEFAULT_DRAIN_TIMEOUT_S = 120

export interface HpcOptions {
  section: HpcClusterConfig
  skipDeploy: boolean
  /** start: run the deploy even when no VM was created and the last deploy succeeded. */
  redeploy?: boolean
  /** start: bound on the wait for the Slurm nodes after the deploy (ms). */
  healthTimeoutMs?: number
  /** stop: do not drain the compute nodes in Slurm. */
  skipDrain?: boolean
  /** stop: how long the drain may wait for running jobs (default DEFAULT_DRAIN_TIMEOUT_S). */
  drainTimeoutMs?: number
  /** start: delete the nodes the config no longer names (else NODES_REMOVED). */
  removeNodes?: boolean
  /** Runs Slurm commands on the controller (default: SSH with the cluster key). */
  slurm?: SlurmRunner
}
