import type {Hook} from '@oclif/core'
import {linkSharedPackages, sharedPackages} from '../shared-packages.js'

/** Before any command or plugin hook loads: installed plugins can import this CLI's @ai-how packages (shared-packages.ts). */
const hook: Hook<'init'> = async function () {
  try {
    await linkSharedPackages(this.config.dataDir, sharedPackages(this.config.getPluginsList()))
  } catch (error) {
    this.warn(`installed plugins may not find @ai-how/core: ${(error as Error).message}`)
  }
}

export default hook
