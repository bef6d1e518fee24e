/** Flags of the `ai-how cloud ...` commands beyond the shared ones (kept out of commands/, where every file is a command). */
import {Flags} from '@oclif/core'
import {DEFAULT_DRAIN_TIMEOUT_S, DEFAULT_HEALTH_TIMEOUT_S} from './options.js'

export const skipDrainFlag = Flags.boolean({
  description: 'do not cordon and drain the nodes through the Kubernetes API before the shutdown',
  default: false,
})

export const drainTimeoutFlag = Flags.integer({
  description: 'seconds the drain may take (evictions refused by a PodDisruptionBudget are retried until then; the blocking pods are named)',
  default: DEFAULT_DRAIN_TIMEOUT_S,
  min: 0,
})

export const healthTimeoutFlag = Flags.integer({
  description: 'seconds the cluster gets to become healthy after the deploy (API ready, every started node Ready, kube-system pods running)',
  default: DEFAULT_HEALTH_TIMEOUT_S,
  min: 1,
})
