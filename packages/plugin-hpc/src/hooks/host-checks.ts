import type {AiHowHooks} from '@ai-how/core'
import type {Hook} from '@oclif/core'
import {vmHostChecks} from '../host/checks.js'

/** Host prerequisites of the VM layer, for `ai-how doctor` and `validate --check-host`. */
const hook: Hook<'ai-how:host-checks', AiHowHooks> = (options) => vmHostChecks({clusters: options.clusters})

export default hook
