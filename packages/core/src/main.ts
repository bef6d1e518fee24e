/**
 * The entry point of the `ai-how` binary: oclif's `run`, with one error renderer for what fails
 * outside a command's own `catch` (unknown command, parse errors of oclif's plugin commands, errors
 * of init hooks): the ai-how error document (output/json-document.ts) on stdout under --json, a short message
 * with what to do next on stderr otherwise, and the error's exit status (2 for usage errors).
 */
import {flush, handle, run, settings, toConfiguredId, type Command, type Config} from '@oclif/core'
import {isAiHowError} from './errors.js'
import {documentText, errorDocument} from './output/json-document.js'
import {errorText, isOclifExit, toAiHowError, usageErrorFromOclif} from './usage-errors.js'

const BIN = 'ai-how'

/** True when the user asked for JSON: `--json` before any `--`, or AI_HOW_CONTENT_TYPE=json as oclif reads it. */
export function wantsJson(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  const end = argv.indexOf('--')
  const json = argv.indexOf('--json')
  return (json !== -1 && (end === -1 || json < end)) || env.AI_HOW_CONTENT_TYPE?.toLowerCase() === 'json'
}

/** The command words of the command whose parser failed (`hpc start`), when oclif says which. */
function failedCommandWords(error: unknown): string | undefined {
  const context = (error as {parse?: {input?: {context?: {id?: unknown; config?: Config}}}} | undefined)?.parse?.input?.context
  if (typeof context?.id !== 'string') return undefined
  return context.config ? toConfiguredId(context.id, context.config) : context.id.replaceAll(':', ' ')
}

export async function handleCliError(error: unknown, argv: readonly string[]): Promise<void> {
  if (isOclifExit(error)) return handle(error)
  const words = failedCommandWords(error)
  const known = isAiHowError(error) ? error : usageErrorFromOclif(error, BIN, words)
  if (wantsJson(argv)) {
    const shown = known ?? toAiHowError(error, BIN, words)
    process.stdout.write(documentText(errorDocument(shown)))
    process.exit(shown.exitCode)
  }
  // An unexpected error keeps oclif's rendering (with its stack): it is a bug to report.
  if (!known) return handle(error as Error)
  process.stderr.write(`${errorText(known)}\n`)
  process.exit(known.exitCode)
}

/**
 * oclif's own commands (plugins, version, autocomplete, help) do not extend AiHowCommand: under --json
 * their `catch` prints the whole error object (about 52 KB of oclif internals) and exits 1. Their
 * errors under --json go to handleCliError instead; AiHowCommand has its own `catch`. The `prerun`
 * hook (hooks/prerun.ts) calls this with the command about to run: oclif's plugins extend the
 * Command of their own @oclif/core, not the one bundled into this CLI (esbuild.config.mjs), so the
 * base class is found from the command itself. Patched once per base class.
 */
export function routeOclifJsonErrors(command: abstract new (...args: never[]) => unknown): void {
  let proto = command.prototype as object
  for (let up = Object.getPrototypeOf(proto) as object | null; up !== null && up !== Object.prototype; up = Object.getPrototypeOf(up) as object | null) proto = up
  const base = proto as {catch?: (this: Command, err: Error) => Promise<unknown>; jsonEnabled?: (this: Command) => boolean; [ROUTED]?: true}
  const {catch: oclifCatch, jsonEnabled} = base
  if (base[ROUTED] || !oclifCatch || !jsonEnabled) return
  base[ROUTED] = true
  base.catch = async function (this: Command, err: Error): Promise<unknown> {
    if (jsonEnabled.call(this)) throw err
    return oclifCatch.call(this, err)
  }
}

const ROUTED = Symbol.for('ai-how.routeOclifJsonErrors')

export async function main(dir: string, options: {development?: boolean} = {}): Promise<void> {
  const argv = process.argv.slice(2)
  if (options.development) {
    process.env.NODE_ENV = 'development'
    settings.debug = true
  }
  // oclif warns on every run that a linked ESM plugin runs its own JavaScript (it cannot transpile
  // it): that is how linked plugins work here (docs/plugins.md), not news to repeat each time.
  if (!options.development) process.env.OCLIF_DISABLE_LINKED_ESM_WARNING ??= '1'
  try {
    await run(argv, dir)
    void flush()
  } catch (error) {
    await handleCliError(error, argv)
  }
}
