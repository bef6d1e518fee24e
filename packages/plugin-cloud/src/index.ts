export * from './kind/index.js'
