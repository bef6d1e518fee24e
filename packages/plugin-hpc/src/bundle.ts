/**
 * The module ai-how loads of this plugin (package.json `exports`, `oclif.commands`, `oclif.hooks`): the
 * library (index.ts), the commands (oclif's `explicit` discovery) and the hooks. esbuild.config.mjs
 * bundles it into dist/bundle.js (start-up time, docs/benchmarks.md); tsc's dist/bundle.js works the same.
 */
import Destroy from './commands/hpc/destroy.js'
import Start from './commands/hpc/start.js'
import Status from './commands/hpc/status.js'
import Stop from './commands/hpc/stop.js'

export * from './index.js'
export {default as clusterKindsHook} from './hooks/cluster-kinds.js'
export {default as hostChecksHook} from './hooks/host-checks.js'

export const COMMANDS = {'hpc:destroy': Destroy, 'hpc:start': Start, 'hpc:status': Status, 'hpc:stop': Stop}
