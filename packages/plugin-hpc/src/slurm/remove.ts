/**
 * The Slurm side of `hpc start --remove-nodes`: before their VMs go, the removed nodes are set
 * `down` (reason "ai-how remove-nodes": Slurm schedules nothing more there); the deploy that
 * follows renders slurm.conf without them. Afterwards, the nodes Slurm still lists are named.
 */
import {SlurmController} from './controller.js'
import type {SlurmRunner} from './controller.js'

export const REMOVE_REASON = 'ai-how remove-nodes'

/** Sets the nodes Slurm knows among `names` down; returns them. */
export async function downNodes(run: SlurmRunner, host: string, names: readonly string[], signal?: AbortSignal): Promise<string[]> {
  const slurm = new SlurmController(run, host, signal)
  const known = await slurm.nodes()
  const down = names.filter((n) => known.has(n))
  await slurm.update(down, 'down', REMOVE_REASON)
  return down
}

/** Those of `names` that Slurm still lists. */
export async function stillListed(run: SlurmRunner, host: string, names: readonly string[], signal?: AbortSignal): Promise<string[]> {
  const known = await new SlurmController(run, host, signal).nodes()
  return names.filter((n) => known.has(n))
}
