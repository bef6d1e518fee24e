/**
 * oclif's own errors (argument parsing, `command not found`, `this.error()`) turned into the one
 * ai-how error shape, so that a script sees `{format_version, name, code, message, exit_code, actions}` under --json and exit 2 for
 * every usage error, whatever layer found it. oclif's parser error classes are not exported, so they
 * are recognised by class name; a failed flag `parse` function by the message oclif wraps it in.
 */
import {AiHowError, EXIT_FAILED, UsageError, isAiHowError, type AiHowErrorLike} from './errors.js'

const PARSER_CODES: Readonly<Record<string, string>> = {
  NonExistentFlagsError: 'UNKNOWN_FLAG',
  RequiredArgsError: 'MISSING_ARG',
  UnexpectedArgsError: 'UNEXPECTED_ARG',
  FlagInvalidOptionError: 'INVALID_FLAG_VALUE',
  ArgInvalidOptionError: 'INVALID_ARG_VALUE',
  FailedFlagValidationError: 'INVALID_FLAGS',
  ViolatedFlagConstraintError: 'INVALID_FLAGS',
  InvalidArgsSpecError: 'INVALID_ARGS',
  CLIParseError: 'USAGE',
}

const SEE_HELP = /\n?See more help with --help\s*$/
/** What oclif makes of an exception thrown by a flag's `parse` function (an integer flag given "abc"). */
const FLAG_PARSE = /^Parsing --(\S+)\s*\n\t([\s\S]*?)\n?See more help with --help\s*$/

/** `ai-how hpc start --help`, or `ai-how --help` when the command is not known. */
export function helpHint(bin: string, commandWords?: string): string {
  return commandWords ? `See the usage: ${bin} ${commandWords} --help` : `See the commands: ${bin} --help`
}

/** The ai-how usage error for an oclif parse error, or undefined when `error` is not one. */
export function usageErrorFromOclif(error: unknown, bin: string, commandWords?: string): UsageError | undefined {
  if (!(error instanceof Error)) return undefined
  const actions = [helpHint(bin, commandWords)]
  const flagParse = FLAG_PARSE.exec(error.message)
  if (flagParse) {
    const [, flag = '', reason = ''] = flagParse
    return new UsageError(`--${flag}: ${reason.trim()}`, {code: 'INVALID_FLAG_VALUE', actions, cause: error})
  }
  const code = PARSER_CODES[error.constructor.name]
  if (code === undefined || !('parse' in error)) return undefined
  const message = error.message.replace(SEE_HELP, '').trim()
  return new UsageError(message, {code, actions, cause: error})
}

/** An oclif `this.exit(n)`: not an error to show, only an exit status. */
export function isOclifExit(error: unknown): error is Error & {oclif: {exit: number}} {
  return error instanceof Error && (error as {code?: unknown}).code === 'EEXIT'
}

/**
 * Any error as an ai-how error: ai-how errors as they are, oclif parse errors as usage errors (exit 2),
 * an oclif `this.error()` with its exit status, anything else as an internal failure (exit 1).
 */
export function toAiHowError(error: unknown, bin: string, commandWords?: string): AiHowErrorLike {
  if (isAiHowError(error)) return error
  const usage = usageErrorFromOclif(error, bin, commandWords)
  if (usage) return usage
  const oclifExit = (error as {oclif?: {exit?: unknown}} | undefined)?.oclif?.exit
  if (error instanceof Error && typeof oclifExit === 'number') {
    return new AiHowError(error.message, {code: 'FAILED', exitCode: oclifExit === 0 ? EXIT_FAILED : oclifExit, cause: error})
  }
  const message = error instanceof Error ? error.message : String(error)
  return new AiHowError(message, {
    code: 'INTERNAL',
    actions: ['This is a bug in ai-how or a plugin: rerun with DEBUG=ai-how* and report it.'],
    cause: error,
  })
}

/** The text form of an error on stderr: the message, then what to do next; never a stack. */
export function errorText(error: AiHowErrorLike): string {
  const lines = [`Error: ${error.message}`]
  for (const action of error.actions) lines.push(`  → ${action}`)
  return lines.join('\n')
}
