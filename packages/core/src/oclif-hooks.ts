/**
 * Core's oclif hooks (package.json `oclif.hooks`), in a module of their own: oclif runs `init` before
 * every command, `--version` and `--help` included, so what it loads stays small (the library and the
 * commands are in bundle.ts). esbuild.config.mjs bundles it into dist/oclif-hooks.js.
 */
export {default as initHook} from './hooks/init.js'
export {default as preparseHook} from './hooks/preparse.js'
export {default as commandNotFoundHook} from './hooks/command-not-found.js'
export {default as prerunHook} from './hooks/prerun.js'
