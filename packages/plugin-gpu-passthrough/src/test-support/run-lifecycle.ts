/**
 * Runs one 'ai-how:node-lifecycle' event through oclif's real hook machinery (the installed plugins
 * of packages/core, hooks loaded from their dist/), in a process of its own, as a start or stop
 * command would. Usage: node --import tsx run-lifecycle.ts '<event as JSON>'.
 * Prints `ok`, or the error as JSON and exits 1.
 */
import path from 'node:path'
import {Config} from '@oclif/core'
import {callHook, errorToJson} from '@ai-how/core'
import type {NodeLifecycleEvent} from '@ai-how/core'
import {REPO_ROOT} from './paths.js'

const event = JSON.parse(process.argv[2] ?? '{}') as NodeLifecycleEvent
const config = await Config.load(path.join(REPO_ROOT, 'packages/core'))
try {
  await callHook(config, 'ai-how:node-lifecycle', event)
  process.stdout.write('ok\n')
} catch (error) {
  process.stdout.write(`${JSON.stringify(errorToJson(error))}\n`)
  process.exitCode = 1
}
