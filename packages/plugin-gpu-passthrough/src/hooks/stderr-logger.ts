/** The logger that hooks hand to library code: warnings to stderr, debug lines with AI_HOW_DEBUG. */
import type {Logger} from '@ai-how/core'

export function stderrLogger(): Logger {
  const debug = Boolean(process.env.AI_HOW_DEBUG)
  return {
    info: (message) => {
      process.stderr.write(`${message}\n`)
    },
    warn: (message) => {
      process.stderr.write(`Warning: ${message}\n`)
    },
    debug: (message) => {
      if (debug) process.stderr.write(`debug: ${message}\n`)
    },
  }
}
