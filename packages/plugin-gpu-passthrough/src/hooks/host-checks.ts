/**
 * 'ai-how:host-checks': passthrough readiness of every device requested by the given clusters;
 * with `hostWide` (ai-how doctor) the host's own readiness first, whether or not one asks.
 */
import type {AiHowHooks} from '@ai-how/core'
import type {Hook} from '@oclif/core'
import {passthroughChecks} from '../checks/passthrough-checks.js'
import {PciHost} from '../host/pci-host.js'

const hook: Hook<'ai-how:host-checks', AiHowHooks> = async function (options) {
  return passthroughChecks(PciHost.open(options.hostRoot), options.clusters, undefined, {hostWide: options.hostWide === true})
}

export default hook
