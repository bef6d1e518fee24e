export {StateStore} from './store.js'
export type {StateStoreOptions} from './store.js'
export {resolveStatePath} from './paths.js'
