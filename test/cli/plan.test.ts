/** `ai-how plan` through the real binary, against libvirt's test driver: every cluster of the config, nothing created. */
import assert from 'node:assert/strict'
import path from 'node:path'
import {it} from 'node:test'
import {execa} from 'execa'

const root = path.resolve(import.meta.dirname, '../..')

void it('plans each cluster whose kind can plan and skips (with a warning) one that cannot', async () => {
  const res = await execa(process.execPath, ['packages/core/bin/run.js', 'plan', 'examples/hpc-and-cloud.yaml', '--json'], {
    cwd: root,
    reject: false,
    env: {LIBVIRT_DEFAULT_URI: 'test:///default', AI_HOW_IMAGE_DIR: '/nonexistent', AI_HOW_DATA_DIR: path.join(root, 'nonexistent-data')},
  })
  assert.equal(res.exitCode, 0, res.stderr)
  const reports = JSON.parse(res.stdout) as {kind: string; items: {object: string; action: string}[]}[]
  assert.deepEqual(reports.map((r) => r.kind), ['hpc'])
  assert.ok(reports[0]?.items.every((i) => i.action === 'create'))
  assert.deepEqual([...new Set(reports[0]?.items.map((i) => i.object))].sort(), ['domain', 'network', 'pool', 'volume'])
  assert.match(res.stderr, /cluster kind cloud .* cannot plan yet/s)
})
