/** Flags of the `ai-how hpc start|stop` commands beyond the shared ones (kept out of commands/, where every file is a command). */
import {Flags} from '@oclif/core'
import {DEFAULT_DRAIN_TIMEOUT_S} from './options.js'

export const skipDrainFlag = Flags.boolean({
  description: 'do not drain the running compute nodes in Slurm before the shutdown',
  default: false,
})

export const drainTimeoutFlag = Flags.integer({
  description: 'seconds the running jobs get to end once the compute nodes are drained in Slurm; the nodes still running jobs then are named and the stop goes on',
  default: DEFAULT_DRAIN_TIMEOUT_S,
  min: 0,
})

export const removeNodesFlag = Flags.boolean({
  description: 'delete the nodes whose VMs exist but that the config no longer names (VM, disk, host key, Slurm node); without it start refuses to go on with them',
  default: false,
})
