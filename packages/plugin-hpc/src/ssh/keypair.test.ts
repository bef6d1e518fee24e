import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {chmod, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import ssh2 from 'ssh2'
import {hasCode} from '@ai-how/core'
import {clusterKeyPath, ensureClusterKeyPair, loadKeyPair} from './keypair.js'

const hasSshKeygen = (() => {
  try {
    execFileSync('ssh-keygen', ['-?'], {stdio: 'ignore'})
    return true
  } catch (error) {
    return (error as {code?: unknown}).code !== 'ENOENT'
  }
})()

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'ai-how-keys-'))
}

void describe('ensureClusterKeyPair', () => {
  void it('generates an ed25519 pair under keys/<cluster>/ with a 0600 private key', async () => {
    const out = await tempDir()
    try {
      const pair = await ensureClusterKeyPair(out, 'hpc-a')
      assert.equal(pair.privateKeyPath, path.join(out, 'keys', 'hpc-a', 'id_ed25519'))
      assert.equal(pair.publicKeyPath, `${pair.privateKeyPath}.pub`)
      assert.equal((await stat(pair.privateKeyPath)).mode & 0o777, 0o600)
      assert.match(pair.privateKey, /^-----BEGIN OPENSSH PRIVATE KEY-----/)
      assert.match(pair.publicKey, /^ssh-ed25519 [A-Za-z0-9+/]+=* ai-how@hpc-a$/)
      const parsed = ssh2.utils.parseKey(pair.privateKey)
      assert.ok(!(parsed instanceof Error))
      assert.equal(parsed.type, 'ssh-ed25519')
      assert.equal(parsed.getPublicSSH().toString('base64'), pair.publicKey.split(' ')[1])
    } finally {
      await rm(out, {recursive: true, force: true})
    }
  })

  void it('reuses the pair on later calls, also when two calls race', async () => {
    const out = await tempDir()
    try {
      const [a, b] = await Promise.all([ensureClusterKeyPair(out, 'c1'), ensureClusterKeyPair(out, 'c1')])
      const later = await ensureClusterKeyPair(out, 'c1')
      assert.equal(a.privateKey, b.privateKey)
      assert.equal(later.privateKey, a.privateKey)
      assert.equal(later.publicKey, a.publicKey)
      const other = await ensureClusterKeyPair(out, 'c2')
      assert.notEqual(other.privateKey, a.privateKey)
    } finally {
      await rm(out, {recursive: true, force: true})
    }
  })

  void it('refuses a cluster name that could escape the keys folder', async () => {
    assert.throws(() => clusterKeyPath('/tmp/out', '../etc'), (e) => hasCode(e, 'NAME_INVALID'))
    await assert.rejects(ensureClusterKeyPair('/tmp/out', 'a/b'), (e) => hasCode(e, 'NAME_INVALID'))
  })

  void it('writes a key that ssh-keygen accepts and whose public half matches the .pub file', {skip: !hasSshKeygen && 'ssh-keygen not installed'}, async () => {
    const out = await tempDir()
    try {
      const pair = await ensureClusterKeyPair(out, 'hpc')
      const derived = execFileSync('ssh-keygen', ['-y', '-f', pair.privateKeyPath], {encoding: 'utf8'}).trim()
      const pub = (await readFile(`${pair.privateKeyPath}.pub`, 'utf8')).trim()
      assert.equal(derived.split(' ').slice(0, 2).join(' '), pub.split(' ').slice(0, 2).join(' '))
    } finally {
      await rm(out, {recursive: true, force: true})
    }
  })
})

void describe('loadKeyPair', () => {
  void it('loads a user key made by ssh-keygen, with and without its .pub file', {skip: !hasSshKeygen && 'ssh-keygen not installed'}, async () => {
    const dir = await tempDir()
    try {
      const key = path.join(dir, 'id_user')
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'me@host', '-f', key])
      const withPub = await loadKeyPair(key)
      assert.equal(withPub.publicKey, (await readFile(`${key}.pub`, 'utf8')).trim())
      await rm(`${key}.pub`)
      const derived = await loadKeyPair(key)
      assert.equal(derived.publicKeyPath, undefined)
      assert.equal(derived.publicKey, withPub.publicKey)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  void it('says what is wrong with a missing, garbled, exposed or mismatched key', async () => {
    const dir = await tempDir()
    try {
      await assert.rejects(loadKeyPair(path.join(dir, 'absent')), (e) => hasCode(e, 'SSH_KEY_NOT_FOUND'))
      const garbage = path.join(dir, 'garbage')
      await writeFile(garbage, 'not a key\n', {mode: 0o600})
      await assert.rejects(loadKeyPair(garbage), (e) => hasCode(e, 'SSH_KEY_INVALID'))

      const one = await ensureClusterKeyPair(dir, 'one')
      const two = await ensureClusterKeyPair(dir, 'two')
      await writeFile(`${one.privateKeyPath}.pub`, `${two.publicKey}\n`)
      await assert.rejects(loadKeyPair(one.privateKeyPath), (e) => hasCode(e, 'SSH_KEY_MISMATCH'))

      await chmod(two.privateKeyPath, 0o644)
      await assert.rejects(loadKeyPair(two.privateKeyPath), (e) => hasCode(e, 'SSH_KEY_PERMISSIONS'))
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})
