/**
 * `node --import ./module-trace.mjs ...`: prints `[module-trace] <file URL>` on stderr for every file
 * module the process loads, ES modules (a loader hook) and CommonJS ones (require, createRequire).
 * Used by startup-imports.test.ts to see which dependencies a command loads.
 */
import Module, {register} from 'node:module'
import {pathToFileURL} from 'node:url'

register(`data:text/javascript,${encodeURIComponent(`
export async function load(url, context, next) {
  if (url.startsWith('file:')) process.stderr.write('[module-trace] ' + url + '\\n')
  return next(url, context)
}`)}`)

const cjs = Module._extensions['.js']
Module._extensions['.js'] = function (module, filename) {
  process.stderr.write(`[module-trace] ${pathToFileURL(filename).href}\n`)
  return cjs.call(this, module, filename)
}
