import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import ssh2 from 'ssh2'
import {checkHostKey} from './host-key.js'
import {parsableKeyPair} from './keypair.js'
import {clusterKnownHostsPath, forgetHostKeys, hostPatterns, nodePatterns, parseKnownHosts, readKnownHosts, recordHostKey, withNodeKeys} from './known-hosts.js'

const blobOf = (): Buffer => {
  const parsed = ssh2.utils.parseKey(parsableKeyPair().public)
  if (parsed instanceof Error) throw parsed
  return parsed.getPublicSSH()
}

void describe('known_hosts', () => {
  void it('names hosts as ssh does: bare on port 22, [host]:port otherwise, alias second', () => {
    assert.deepEqual(hostPatterns('192.168.100.10', 22, 'hpc-controller'), ['192.168.100.10', 'hpc-controller'])
    assert.deepEqual(hostPatterns('127.0.0.1', 2222), ['[127.0.0.1]:2222'])
  })

  void it('parses plain lines and skips comments, markers and hashed hosts', () => {
    const text = '# comment\n\n10.0.0.1,vm-1 ssh-ed25519 AAAA1\n@revoked 10.0.0.2 ssh-rsa AAAA2\n|1|abc=|def= ssh-ed25519 AAAA3\n[10.0.0.4]:2222 ecdsa-sha2-nistp256 AAAA4 comment\n'
    assert.deepEqual(parseKnownHosts(text), [
      {hosts: ['10.0.0.1', 'vm-1'], type: 'ssh-ed25519', key: 'AAAA1'},
      {hosts: ['[10.0.0.4]:2222'], type: 'ecdsa-sha2-nistp256', key: 'AAAA4'},
    ])
  })

  void it('records a key once, even when many records race, and adds only what is missing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-kh-'))
    const file = path.join(dir, 'sub', 'known_hosts')
    try {
      const written = await Promise.all(Array.from({length: 5}, () => recordHostKey(file, ['10.0.0.1', 'vm-1'], 'ssh-ed25519', 'AAAAkey')))
      assert.deepEqual(written.filter(Boolean).length, 1)
      assert.equal(await readFile(file, 'utf8'), '10.0.0.1,vm-1 ssh-ed25519 AAAAkey\n')
      assert.equal(await recordHostKey(file, ['10.0.0.1', 'vm-1-new-alias'], 'ssh-ed25519', 'AAAAkey'), true)
      assert.equal(await readFile(file, 'utf8'), '10.0.0.1,vm-1 ssh-ed25519 AAAAkey\nvm-1-new-alias ssh-ed25519 AAAAkey\n')
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  void it('tells a new host from a known one and from one whose key changed', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-kh-'))
    const file = path.join(dir, 'known_hosts')
    try {
      const [recorded, other] = [blobOf(), blobOf()]
      const patterns = hostPatterns('10.0.0.5', 22, 'c-compute-01')
      assert.equal(checkHostKey(await readKnownHosts(file), patterns, recorded).status, 'new')
      await writeFile(file, `10.0.0.5 ssh-ed25519 ${recorded.toString('base64')}\n`)
      const entries = await readKnownHosts(file)
      assert.equal(checkHostKey(entries, patterns, recorded).status, 'known')
      assert.equal(checkHostKey(entries, patterns, other).status, 'mismatch')
      assert.equal(checkHostKey(entries, hostPatterns('10.0.0.6'), other).status, 'new')
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  void it('lets the first pattern with a recorded key decide: the VM name over an address another node had', () => {
    const [mine, theirs] = [blobOf(), blobOf()]
    const entries = parseKnownHosts(`10.0.0.5 ssh-ed25519 ${theirs.toString('base64')}\nc-compute-01 ssh-ed25519 ${mine.toString('base64')}\n`)
    assert.equal(checkHostKey(entries, ['c-compute-01', '10.0.0.5'], mine).status, 'known')
    assert.equal(checkHostKey(entries, ['c-compute-01', '10.0.0.5'], theirs).status, 'mismatch')
    assert.equal(checkHostKey(entries, ['c-compute-02', '10.0.0.5'], theirs).status, 'known', 'no name recorded: the address decides')
  })

  void it('records a node before boot under its static IP and VM name, a DHCP node under its name only', () => {
    assert.deepEqual(nodePatterns('lab-controller', '10.0.0.10'), ['10.0.0.10', 'lab-controller'])
    assert.deepEqual(nodePatterns('lab-compute-01'), ['lab-compute-01'])
  })

  void it('writes one line per node, dropping older lines that name a node or hold its key, keeping the rest', () => {
    const before = [
      '# kept comment', '10.0.0.10,lab-controller ssh-ed25519 OLDKEY', '10.0.0.77 ssh-ed25519 DHCPKEY', 'lab-compute-01 ssh-ed25519 DHCPKEY',
      '10.0.0.99,elsewhere ssh-rsa OTHER', '',
    ].join('\n')
    const text = withNodeKeys(before, [
      {patterns: nodePatterns('lab-controller', '10.0.0.10'), publicKey: 'ssh-ed25519 NEWKEY lab-controller'},
      {patterns: nodePatterns('lab-compute-01'), publicKey: 'ssh-ed25519 DHCPKEY lab-compute-01'},
    ])
    assert.equal(text, [
      '# kept comment', '10.0.0.99,elsewhere ssh-rsa OTHER', '10.0.0.10,lab-controller ssh-ed25519 NEWKEY', 'lab-compute-01 ssh-ed25519 DHCPKEY', '',
    ].join('\n'))
    assert.equal(withNodeKeys(text, [{patterns: nodePatterns('lab-controller', '10.0.0.10'), publicKey: 'ssh-ed25519 NEWKEY lab-controller'},
      {patterns: nodePatterns('lab-compute-01'), publicKey: 'ssh-ed25519 DHCPKEY lab-compute-01'}]), text, 'the same keys give the same text')
  })

  void it('forgets the lines of a re-created VM and keeps the others', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-kh-'))
    const file = clusterKnownHostsPath(dir, 'hpc')
    try {
      assert.equal(file, path.join(dir, 'keys', 'hpc', 'known_hosts'))
      assert.equal(await forgetHostKeys(file, ['10.0.0.1']), 0)
      await recordHostKey(file, hostPatterns('10.0.0.1', 22, 'hpc-controller'), 'ssh-ed25519', 'AAAA1')
      await recordHostKey(file, hostPatterns('10.0.0.2', 22, 'hpc-compute-01'), 'ssh-ed25519', 'AAAA2')
      assert.equal(await forgetHostKeys(file, hostPatterns('10.0.0.1', 22, 'hpc-controller')), 1)
      assert.equal(await readFile(file, 'utf8'), '10.0.0.2,hpc-compute-01 ssh-ed25519 AAAA2\n')
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})
