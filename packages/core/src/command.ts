/**
 * Base class of every ai-how command: `--json` support, the `--state` flag, stderr logging, and one
 * way to render errors (message, then what to do next; JSON on stdout under --json) with the
 * error's own exit code.
 */
import {Command, Flags, toConfiguredId} from '@oclif/core'
import path from 'node:path'
import type {Logger} from './contracts/extensions.js'
import {isAiHowError} from './errors.js'
import {errorDocument, isForeignDocument, jsonDocument} from './output/json-document.js'
import {errorText, isOclifExit, toAiHowError, usageErrorFromOclif} from './usage-errors.js'

export const DEFAULT_STATE_PATH = path.join('output', 'state.json')

export abstract class AiHowCommand extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    ...Command.baseFlags,
  }

  /** Flag shared by commands that read or write state. */
  static stateFlag = Flags.string({
    description: 'state file (default output/state.json, or $AI_HOW_STATE)',
    env: 'AI_HOW_STATE',
    default: DEFAULT_STATE_PATH,
    helpGroup: 'GLOBAL',
  })

  /** A logger for library code: everything goes to stderr, nothing under --json but warnings. */
  aiHowLogger(): Logger {
    const json = this.jsonEnabled()
    const debug = Boolean(process.env.AI_HOW_DEBUG)
    // oclif's logToStderr prints nothing under --json, so warnings and debug lines go straight to stderr.
    const stderr = (line: string): void => {
      process.stderr.write(`${line}\n`)
    }
    return {
      info: (m) => {
        if (!json) stderr(m)
      },
      warn: (m) => {
        stderr(`Warning: ${m}`)
      },
      debug: (m) => {
        if (debug) stderr(`debug: ${m}`)
      },
    }
  }

  /** What run() returned, as the one ai-how JSON document (format_version, snake_case keys). */
  protected override toSuccessJson(result: unknown): unknown {
    if (typeof result !== 'object' || result === null || isForeignDocument(result)) return result
    return jsonDocument(result)
  }

  protected override async catch(err: Error & {exitCode?: number}): Promise<unknown> {
    if (isOclifExit(err)) throw err
    const words = this.id === undefined ? undefined : toConfiguredId(this.id, this.config)
    const known = isAiHowError(err) ? err : usageErrorFromOclif(err, this.config.bin, words)
    if (this.jsonEnabled()) {
      const shown = known ?? toAiHowError(err, this.config.bin, words)
      this.logJson(errorDocument(shown))
      return this.exit(shown.exitCode)
    }
    // An unexpected error keeps oclif's rendering (with its stack): it is a bug to report.
    if (!known) return super.catch(err)
    this.logToStderr(errorText(known))
    return this.exit(known.exitCode)
  }
}
