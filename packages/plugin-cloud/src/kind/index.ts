export {CLOUD_KIND, CLOUD_ROLES, checkCloud, describeCloud} from './describe.js'
export {cloudClusterKind} from './registration.js'
export {cloudClusterSchema} from './schema.js'
export type {CloudClusterConfig, KubernetesConfig} from './types.js'
