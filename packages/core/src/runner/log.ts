/** The runner's default logger: stderr only; info lines are dropped under --json, warnings never. */
import type {Logger} from '../contracts/extensions.js'

export function stderrLogger(options: {json: boolean; verbose: boolean}): Logger {
  const write = (line: string): void => {
    process.stderr.write(`${line}\n`)
  }
  const debug = options.verbose || Boolean(process.env.AI_HOW_DEBUG)
  return {
    info: (m) => {
      if (!options.json) write(m)
    },
    warn: (m) => {
      write(`Warning: ${m}`)
    },
    debug: (m) => {
      if (debug) write(`debug: ${m}`)
    },
  }
}
