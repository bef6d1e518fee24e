#!/usr/bin/env node
// Writes docs/cli-reference.md from the commands' own help (the same text `ai-how CMD --help` prints),
// so the reference and --help cannot drift apart. `--check` compares instead of writing (used by tests).
import {Config, Help} from '@oclif/core'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const target = path.join(root, 'docs/cli-reference.md')
const intro = readFileSync(path.join(root, 'docs/cli-reference.intro.md'), 'utf8')

const config = await Config.load({root: path.join(root, 'packages/core')})
const help = new Help(config, {maxWidth: 110, stripAnsi: true})
const commands = config.commands.filter((c) => !c.hidden).sort((a, b) => a.id.localeCompare(b.id))

const topicOf = (id) => (id.includes(':') ? id.split(':')[0] : id)
let out = `${intro.trimEnd()}\n\n## Commands\n\n`
for (const c of commands) out += `- [\`ai-how ${c.id.replaceAll(':', ' ')}\`](#${`ai-how-${c.id}`.replaceAll(':', '-')})${c.summary ? ` — ${c.summary.replaceAll('<%= config.bin %>', config.bin)}` : ''}\n`
let lastTopic = ''
for (const c of commands) {
  const topic = topicOf(c.id)
  if (topic !== lastTopic && c.id.includes(':')) out += `\n---\n`
  lastTopic = topic
  const text = help.formatCommand(c).replaceAll(config.root, '<install dir>').trimEnd()
  out += `\n<a id="${`ai-how-${c.id}`.replaceAll(/[: ]/g, '-')}"></a>\n## ai-how ${c.id.replaceAll(':', ' ')}\n\n\`\`\`text\n${text}\n\`\`\`\n`
}

if (process.argv.includes('--check')) {
  const current = readFileSync(target, 'utf8')
  if (current !== out) {
    console.error('docs/cli-reference.md is out of date with the commands\' help: run `node scripts/gen-cli-reference.mjs`')
    process.exit(1)
  }
  console.log('docs/cli-reference.md matches --help')
} else {
  writeFileSync(target, out)
  console.log(`wrote ${path.relative(root, target)} (${commands.length} commands)`)
}
