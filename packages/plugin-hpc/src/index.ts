export * from './kind/index.js'
export * from './naming/index.js'
export * from './ssh/index.js'
export * from './cloud-init/index.js'
