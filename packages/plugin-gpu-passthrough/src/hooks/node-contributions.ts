/** 'ai-how:node-contributions': hostdevs, no graphics and a summary for a node that asks for passthrough. */
import type {AiHowHooks} from '@ai-how/core'
import type {Hook} from '@oclif/core'
import {resolveHostRoot} from '../host/host-fs.js'
import {PciHost} from '../host/pci-host.js'
import {nodeContribution} from '../hostdev/contribution.js'

const hook: Hook<'ai-how:node-contributions', AiHowHooks> = async function (options) {
  if (options.node.devices.length === 0) return undefined
  return nodeContribution(PciHost.open(resolveHostRoot()), options.cluster, options.node)
}

export default hook
