/**
 * A short flag means one thing in every command (issue 9 §4): -f is --force (destroy's "do not ask"),
 * -o is --output. Read from the commands of the installed plugins as oclif loads them, so a new
 * command that gives -f another meaning fails here; and through the binary, -f is not --format.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {Config} from '@oclif/core'
import {execa} from 'execa'

const root = path.resolve(import.meta.dirname, '../..')

/** Every short flag of every ai-how command: char → the long names it stands for, with their commands. */
async function shortFlags(): Promise<Map<string, Map<string, string[]>>> {
  const config = await Config.load(path.join(root, 'packages/core'))
  const chars = new Map<string, Map<string, string[]>>()
  for (const command of config.commands) {
    if (!command.pluginName?.startsWith('@ai-how/')) continue
    for (const [name, flag] of Object.entries(command.flags)) {
      if (flag.char === undefined) continue
      const names = chars.get(flag.char) ?? new Map<string, string[]>()
      names.set(name, [...(names.get(name) ?? []), command.id])
      chars.set(flag.char, names)
    }
  }
  return chars
}

void describe('short flags', () => {
  void it('each short flag stands for one long flag across all ai-how commands; -f is --force', async () => {
    const chars = await shortFlags()
    for (const [char, names] of chars) assert.equal(names.size, 1, `-${char} means ${[...names].map(([n, ids]) => `--${n} (${ids.join(', ')})`).join(' and ')}`)
    assert.deepEqual([...(chars.get('f')?.keys() ?? [])], ['force'])
    assert.deepEqual((chars.get('f')?.get('force') ?? []).sort(), ['cloud:destroy', 'hpc:destroy'])
    assert.deepEqual([...(chars.get('o')?.keys() ?? [])], ['output'])
  })

  void it('inventory -f is not a format: an unknown flag, exit 2', async () => {
    const r = await execa(process.execPath, [path.join(root, 'packages/core/bin/run.js'), 'inventory', 'examples/hpc-small.yaml', 'hpc', '-f', 'yaml', '--json'], {cwd: root, reject: false})
    assert.equal(r.exitCode, 2, r.stdout + r.stderr)
    assert.equal((JSON.parse(r.stdout) as {code: string}).code, 'UNKNOWN_FLAG')
  })
})
