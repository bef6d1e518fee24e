import type {Hook} from '@oclif/core'
import {UsageError} from '../errors.js'
import {nearestCommand, shellWords} from './nearest-command.js'

/**
 * An unknown command is a usage error (exit 2) in the ai-how error shape, with the nearest command
 * and the typed arguments split off again. On a terminal (and without --json) @oclif/plugin-not-found
 * asks "Did you mean ...?" and runs the suggestion when the answer is yes; it is called from here,
 * with the words already split, rather than registered as a plugin (it would glue the arguments into
 * the id, exit 127 and prompt under --json).
 */
const hook: Hook<'command_not_found'> = async function (options) {
  const {config} = options
  const bin = config.bin
  if (options.id.startsWith('-')) {
    throw new UsageError(`Nonexistent flag: ${options.id} (a command comes first)`, {code: 'UNKNOWN_FLAG', actions: [`See the commands: ${bin} --help`]})
  }
  const typed = options.id.split(':')
  const argv = options.argv ?? []
  const hidden = new Set(config.commands.filter((c) => c.hidden).map((c) => c.id))
  const ids = [...config.commandIDs, ...config.commands.flatMap((c) => c.aliases)].filter((id) => !hidden.has(id))
  const nearest = nearestCommand(typed, ids)
  let topicWords = 0
  while (topicWords < typed.length - 1 && config.findTopic(typed.slice(0, topicWords + 1).join(':'))) topicWords++
  const unknownWords = typed.slice(0, nearest ? nearest.words : topicWords + 1)
  const args = [...typed.slice(unknownWords.length), ...argv]
  const topic = typed.slice(0, topicWords).join(' ')
  const actions = [`See the commands: ${shellWords([bin, ...(topic ? [topic] : []), '--help'])}`]
  const suggestion = nearest ? shellWords([bin, ...nearest.id.split(':'), ...args]) : undefined
  if (suggestion) actions.unshift(`Did you mean: ${suggestion}`)
  const error = new UsageError(`"${unknownWords.join(' ')}" is not an ${bin} command`, {code: 'UNKNOWN_COMMAND', actions})

  const json = argv.includes('--json') || config.scopedEnvVar('CONTENT_TYPE')?.toLowerCase() === 'json'
  if (!nearest || json || !process.stdin.isTTY || !process.stdout.isTTY) throw error
  const {default: askAndRun} = await import('@oclif/plugin-not-found')
  // Its own search would ask about its nearest id, not ours (it knows no swapped letters): it sees only ours.
  const onlyNearest = new Proxy(config, {
    get: (target, key) => (key === 'commandIDs' ? [nearest.id] : key === 'commands' ? [] : Reflect.get(target, key)) as unknown,
  })
  try {
    return await askAndRun.call(this, {...options, config: onlyNearest, id: unknownWords.join(':'), argv: args})
  } catch (error_) {
    // "No" (or no answer in 10 s) is plugin-not-found's exit 127; anything else came from the command it ran.
    if ((error_ as {oclif?: {exit?: number}}).oclif?.exit === 127) throw error
    throw error_
  }
}

export default hook
