/** The per-cluster munge key: random, 0600, kept across starts, undone when new, removed by removeMungeKey. */
import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {ensureMungeKey, mungeKeyPath, removeMungeKey} from './munge-key.js'

const dirs: string[] = []
after(() => Promise.all(dirs.map((d) => rm(d, {recursive: true, force: true}))))
async function out(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'munge-key-'))
  dirs.push(d)
  return d
}

void describe('munge key', () => {
  void it('lives next to the cluster SSH keys', () => {
    assert.equal(mungeKeyPath('/o', 'lab'), path.join('/o', 'keys', 'lab', 'munge.key'))
  })

  void it('is generated 0600 from random bytes, differs per cluster, and is kept by a second call', async () => {
    const o = await out()
    const a = await ensureMungeKey(o, 'lab')
    const b = await ensureMungeKey(o, 'other')
    assert.equal(a.created, true)
    assert.equal((await stat(a.file)).mode & 0o777, 0o600)
    const text = await readFile(a.file, 'utf8')
    assert.match(text, /^[0-9a-f]{2048}\n$/)
    assert.notEqual(text, await readFile(b.file, 'utf8'))
    const again = await ensureMungeKey(o, 'lab')
    assert.deepEqual([again.created, again.undo], [false, undefined])
    assert.equal(await readFile(a.file, 'utf8'), text)
  })

  void it('the undo of a new key removes it; removeMungeKey removes a kept one', async () => {
    const o = await out()
    const a = await ensureMungeKey(o, 'lab')
    await a.undo?.run()
    await assert.rejects(stat(a.file), {code: 'ENOENT'})
    await ensureMungeKey(o, 'lab')
    assert.equal(await removeMungeKey(o, 'lab'), true)
    await assert.rejects(stat(a.file), {code: 'ENOENT'})
    assert.equal(await removeMungeKey(o, 'lab'), false)
  })
})
