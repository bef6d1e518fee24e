import type {Hook} from '@oclif/core'

/**
 * `ai-how plugins` lists the first-party plugins too: they load as core plugins, which
 * plugin-plugins' list hides unless `--core` is given, so a user would see "No plugins installed".
 */
const hook: Hook<'preparse'> = function (options) {
  const command = options.options.context as {id?: string} | undefined
  const argv = options.argv
  if (command?.id === 'plugins' && !argv.includes('--core')) return Promise.resolve([...argv, '--core'])
  return Promise.resolve(argv)
}

export default hook
