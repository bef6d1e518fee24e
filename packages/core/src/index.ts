export type * from './contracts/index.js'
export * from './errors.js'
export {AiHowCommand, DEFAULT_STATE_PATH} from './command.js'
export {callHook, loadClusterKinds, resolveExtension} from './plugins.js'
