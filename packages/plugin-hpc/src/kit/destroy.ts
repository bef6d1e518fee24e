/**
 * The body of every kind's `destroy` command: the confirmation (kit/confirm.ts), then the kind's
 * provisioner, then the summary on stderr (nothing on stdout under --json). Undefined when the user
 * declined at the prompt: nothing was removed, and the command exits 0.
 */
import type {ClusterContext, Provisioner} from '@ai-how/core'
import type {DestroyResult} from '../vm/results.js'
import {confirmDestroy} from './confirm.js'
import {destroySummary} from './summaries.js'

export interface DestroyCommandIo {
  json: boolean
  log(message: string): void
}

export async function destroyWithConfirmation(impl: Provisioner, ctx: ClusterContext, force: boolean, io: DestroyCommandIo): Promise<DestroyResult | undefined> {
  if (!(await confirmDestroy({kind: ctx.kind, cluster: ctx.cluster.name, force, json: io.json}))) {
    // Declining is not a failure (as in the reference tool): nothing happened.
    io.log('Destroy cancelled: nothing was removed.')
    return undefined
  }
  const result = (await impl.destroy({...ctx, options: {...ctx.options, confirmed: true}})) as DestroyResult
  if (!io.json) io.log(destroySummary(result))
  return result
}
