/**
 * The module ai-how loads of this plugin (package.json `exports`, `oclif.commands`, `oclif.hooks`): the
 * library (index.ts), the commands (oclif's `explicit` discovery) and the hooks. esbuild.config.mjs
 * bundles it into dist/bundle.js (start-up time, docs/benchmarks.md); tsc's dist/bundle.js works the same.
 */
import Destroy from './commands/cloud/destroy.js'
import Start from './commands/cloud/start.js'
import Status from './commands/cloud/status.js'
import Stop from './commands/cloud/stop.js'

export * from './index.js'
export {default as clusterKindsHook} from './hooks/cluster-kinds.js'

export const COMMANDS = {'cloud:destroy': Destroy, 'cloud:start': Start, 'cloud:status': Status, 'cloud:stop': Stop}
