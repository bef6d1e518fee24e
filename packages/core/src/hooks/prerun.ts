import type {Hook} from '@oclif/core'
import {routeOclifJsonErrors} from '../main.js'

/** Before a command runs: its errors under --json in the ai-how error shape, whichever @oclif/core it extends (main.ts). */
const hook: Hook<'prerun'> = function (options) {
  routeOclifJsonErrors(options.Command)
  return Promise.resolve()
}

export default hook
