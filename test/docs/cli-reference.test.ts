import assert from 'node:assert/strict'
import path from 'node:path'
import {it} from 'node:test'
import {execa} from 'execa'

const root = path.resolve(import.meta.dirname, '../..')

void it('docs/cli-reference.md is the commands\' own --help text', async () => {
  const res = await execa(process.execPath, ['scripts/gen-cli-reference.mjs', '--check'], {cwd: root, reject: false})
  assert.equal(res.exitCode, 0, `${res.stderr}\nregenerate with: node scripts/gen-cli-reference.mjs`)
})
