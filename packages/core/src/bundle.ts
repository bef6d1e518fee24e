/**
 * The one module the `ai-how` binary loads (package.json `exports`, `oclif.commands`, `oclif.hooks`,
 * bin/run.js): the library (index.ts), `main`, the commands (oclif's `explicit` discovery: no folder
 * to scan) and the hooks. esbuild.config.mjs bundles it with @oclif/core and the other pure-JS
 * dependencies into dist/bundle.js, so Node reads one file instead of a few hundred (start-up time,
 * docs/benchmarks.md); tsc's own dist/bundle.js, which imports the modules one by one, works the same.
 * `oclif` is this CLI's @oclif/core, for the first-party plugins' bundles (one copy for all).
 */
import Doctor from './commands/doctor.js'
import Inventory from './commands/inventory.js'
import Plan from './commands/plan.js'
import Render from './commands/render.js'
import Schema from './commands/schema.js'
import Validate from './commands/validate.js'

export * from './index.js'
export * as oclif from '@oclif/core'
export {main} from './main.js'
export {default as initHook} from './hooks/init.js'
export {default as preparseHook} from './hooks/preparse.js'
export {default as commandNotFoundHook} from './hooks/command-not-found.js'

export const COMMANDS = {doctor: Doctor, inventory: Inventory, plan: Plan, render: Render, schema: Schema, validate: Validate}
