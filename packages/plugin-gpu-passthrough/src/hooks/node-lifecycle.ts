/** 'ai-how:node-lifecycle': the GPU ledger. before-start claims the node's GPUs (or refuses), stop/destroy release them. */
import {StateStore} from '@ai-how/core'
import type {AiHowHooks} from '@ai-how/core'
import type {Hook} from '@oclif/core'
import {virshDomainState} from '../ledger/domain-state.js'
import {GpuLedger} from '../ledger/gpu-ledger.js'
import {stderrLogger} from './stderr-logger.js'

const hook: Hook<'ai-how:node-lifecycle', AiHowHooks> = async function (options) {
  const log = stderrLogger()
  const ledger = new GpuLedger(new StateStore(options.statePath, {log}), {query: virshDomainState, log})
  await ledger.onLifecycle(options)
  return undefined
}

export default hook
