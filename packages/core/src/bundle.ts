/**
 * The module of core's library and commands (package.json `exports` and `oclif.commands`): index.ts
 * and the commands (oclif's `explicit` discovery: no folder to scan). esbuild.config.mjs bundles it,
 * main.ts (bin/run.js) and oclif-hooks.ts with @oclif/core and the other pure-JS dependencies into
 * dist/ (what they share in chunks beside them), so Node reads a few files instead of a few hundred
 * (start-up time, docs/benchmarks.md); tsc's own dist/bundle.js, importing the modules one by one,
 * works the same. `oclif` and `yaml` are this CLI's own, for the first-party plugins' bundles (one
 * copy for all).
 */
import Doctor from './commands/doctor.js'
import Inventory from './commands/inventory.js'
import Plan from './commands/plan.js'
import Render from './commands/render.js'
import Schema from './commands/schema.js'
import Validate from './commands/validate.js'

export * from './index.js'
export * as oclif from '@oclif/core'
export * as yaml from 'yaml'

export const COMMANDS = {doctor: Doctor, inventory: Inventory, plan: Plan, render: Render, schema: Schema, validate: Validate}
