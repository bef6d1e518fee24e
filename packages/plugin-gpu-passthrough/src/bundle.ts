/**
 * The module ai-how loads of this plugin (package.json `exports`, `oclif.commands`, `oclif.hooks`): the
 * library (index.ts), the commands (oclif's `explicit` discovery) and the hooks. esbuild.config.mjs
 * bundles it into dist/bundle.js (start-up time, docs/benchmarks.md); tsc's dist/bundle.js works the same.
 */
import Check from './commands/gpu/check.js'
import List from './commands/gpu/list.js'

export * from './index.js'
export {default as hostChecksHook} from './hooks/host-checks.js'
export {default as nodeContributionsHook} from './hooks/node-contributions.js'
export {default as nodeLifecycleHook} from './hooks/node-lifecycle.js'

export const COMMANDS = {'gpu:check': Check, 'gpu:list': List}
