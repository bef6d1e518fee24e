export * from './kind/index.js'
export * from './cloud/index.js'
export * from './inventory/index.js'
export * from './k8s/index.js'
