import {after, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {chmod, mkdtemp, readdir, readFile, rm, stat} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {hasCode} from '@ai-how/core'
import {ensureClusterKeyPair} from './keypair.js'
import {ensureNodeHostKey, loadNodeHostKey, nodeHostKeyPath, removeClusterHostKeys} from './node-host-keys.js'

const dirs: string[] = []
const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-hostkeys-'))
  dirs.push(dir)
  return dir
}
after(async () => { await Promise.all(dirs.map((d) => rm(d, {recursive: true, force: true}))) })

void describe('node host keys', () => {
  void it('generates an ed25519 host key next to the cluster key, private 0600, that ssh-keygen reads back', async () => {
    const out = await tempDir()
    const cluster = await ensureClusterKeyPair(out, 'lab')
    const key = await ensureNodeHostKey(out, 'lab', 'lab-controller')
    assert.equal(key.created, true)
    assert.equal(key.privateKeyPath, path.join(path.dirname(cluster.privateKeyPath), 'lab-controller.ssh_host_ed25519_key'))
    assert.equal((await stat(key.privateKeyPath)).mode & 0o777, 0o600)
    assert.match(key.publicKey, /^ssh-ed25519 [A-Za-z0-9+/]+=* lab-controller$/)
    assert.equal((await readFile(`${key.privateKeyPath}.pub`, 'utf8')).trim(), key.publicKey)
    const derived = execFileSync('ssh-keygen', ['-y', '-f', key.privateKeyPath], {encoding: 'utf8'}).trim()
    assert.equal(derived.split(' ').slice(0, 2).join(' '), key.publicKey.split(' ').slice(0, 2).join(' '))
  })

  void it('reuses a node\'s key (created: false, mode put back to 0600) and gives each node its own', async () => {
    const out = await tempDir()
    const first = await ensureNodeHostKey(out, 'lab', 'lab-compute-01')
    await chmod(first.privateKeyPath, 0o644)
    const again = await ensureNodeHostKey(out, 'lab', 'lab-compute-01')
    assert.deepEqual({...again, created: true}, first)
    assert.equal(again.created, false)
    assert.equal((await stat(first.privateKeyPath)).mode & 0o777, 0o600)
    const other = await ensureNodeHostKey(out, 'lab', 'lab-compute-02')
    assert.notEqual(other.publicKey.split(' ')[1], first.publicKey.split(' ')[1])
    await chmod(other.privateKeyPath, 0o640)
    assert.deepEqual(await loadNodeHostKey(out, 'lab', 'lab-compute-02'), {...other, created: false})
    assert.equal((await stat(other.privateKeyPath)).mode & 0o777, 0o600)
    assert.equal(await loadNodeHostKey(out, 'lab', 'lab-compute-03'), undefined, 'a node without a generated key has none')
  })

  void it('removes every host key of the cluster and nothing else (destroy)', async () => {
    const out = await tempDir()
    await ensureClusterKeyPair(out, 'lab')
    await ensureNodeHostKey(out, 'lab', 'lab-controller')
    await ensureNodeHostKey(out, 'lab', 'lab-compute-01')
    await ensureNodeHostKey(out, 'other', 'other-controller')
    const removed = await removeClusterHostKeys(out, 'lab')
    assert.deepEqual(removed, [nodeHostKeyPath(out, 'lab', 'lab-compute-01'), nodeHostKeyPath(out, 'lab', 'lab-controller')])
    assert.deepEqual(await readdir(path.join(out, 'keys', 'lab')), ['id_ed25519', 'id_ed25519.pub'])
    assert.equal((await readdir(path.join(out, 'keys', 'other'))).length, 2)
    assert.deepEqual(await removeClusterHostKeys(out, 'none-yet'), [])
  })

  void it('refuses VM names that could leave the keys folder', () => {
    assert.throws(() => nodeHostKeyPath('/out', 'lab', '../x'), (e) => hasCode(e, 'NAME_UNSAFE'))
    assert.throws(() => nodeHostKeyPath('/out', 'lab', 'a/b'), (e) => hasCode(e, 'NAME_UNSAFE'))
  })
})
