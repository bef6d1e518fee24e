import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {parse} from 'yaml'
import {hasCode} from '@ai-how/core'
import {SEED_FILE_NAMES, assertJsonOnly, renderSeedFiles} from './render.js'
import {parsableKeyPair} from '../ssh/keypair.js'
import {seedView} from './view.js'
import type {SeedInput, SeedView} from './view.js'

const host = parsableKeyPair('hpc-compute-01')
const other = parsableKeyPair('other')
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx5Wm3f2mVQbnJ1Hsv0yVqk2x0J2v4dD0v8tJ0n3h9N'
const input: SeedInput = {
  hostname: 'hpc-compute-01',
  sshAuthorizedKeys: [`${KEY} ai-how@hpc`, `${KEY} o'brien "&<tricky>: #not-a-comment`],
  instanceId: '3f0c2a4e-9d7b-4c1e-8a55-0b2d6c9e7f11',
  macAddress: '52:54:00:AB:cd:01',
  hostKey: {privateKey: host.private, publicKey: host.public},
}

void describe('cloud-init seed files', () => {
  void it('render user-data as #cloud-config YAML with the user, keys and host name, byte-exact after parsing', async () => {
    const files = await renderSeedFiles(seedView(input))
    assert.ok(files['user-data'].startsWith('#cloud-config\n'))
    const data = parse(files['user-data']) as Record<string, unknown>
    assert.equal(data.hostname, 'hpc-compute-01')
    assert.equal(data.fqdn, 'hpc-compute-01')
    assert.equal(data.ssh_pwauth, false)
    assert.deepEqual(data.users, [{
      name: 'debian', gecos: 'ai-how cluster user', shell: '/bin/bash', lock_passwd: true,
      sudo: 'ALL=(ALL) NOPASSWD:ALL', ssh_authorized_keys: input.sshAuthorizedKeys,
    }])
  })

  void it('hand the guest the host key ai-how generated, byte-exact, and no other (image keys deleted, none generated)', async () => {
    const files = await renderSeedFiles(seedView(input))
    const data = parse(files['user-data']) as Record<string, unknown>
    assert.deepEqual(data.ssh_keys, {ed25519_private: host.private, ed25519_public: host.public})
    assert.equal(data.ssh_deletekeys, true)
    assert.deepEqual(data.ssh_genkeytypes, [])
    assert.ok(host.private.startsWith('-----BEGIN OPENSSH PRIVATE KEY-----\n') && host.private.endsWith('-----END OPENSSH PRIVATE KEY-----\n'))
  })

  void it('emit no HTML entities, whatever the values hold', async () => {
    const files = await renderSeedFiles(seedView(input))
    for (const name of SEED_FILE_NAMES) assert.doesNotMatch(files[name], /&(quot|amp|lt|gt|#x?[0-9a-f]+);/i, name)
  })

  void it('render meta-data with the instance id and network-config v2 matching the NIC by MAC with a MAC client id', async () => {
    const files = await renderSeedFiles(seedView({...input, user: 'admin', fqdn: 'hpc-compute-01.cluster.local'}))
    assert.deepEqual(parse(files['meta-data']), {'instance-id': input.instanceId, 'local-hostname': 'hpc-compute-01'})
    assert.deepEqual(parse(files['network-config']), {
      version: 2,
      ethernets: {primary: {match: {macaddress: '52:54:00:ab:cd:01'}, dhcp4: true, 'dhcp-identifier': 'mac'}},
    })
    const data = parse(files['user-data']) as {fqdn: string; users: {name: string}[]}
    assert.equal(data.fqdn, 'hpc-compute-01.cluster.local')
    assert.equal(data.users[0]?.name, 'admin')
  })

  void it('refuse values that are not a host name, user, MAC, instance id or single public key line', () => {
    const bad: [Partial<SeedInput>, string][] = [
      [{hostname: 'a b'}, 'hostname'], [{hostname: 'x'.repeat(64)}, 'hostname'], [{user: 'Root'}, 'user'],
      [{macAddress: '52:54:00:ab:cd'}, 'macAddress'], [{instanceId: 'id\nx: y'}, 'instanceId'],
      [{sshAuthorizedKeys: []}, 'sshAuthorizedKeys'], [{sshAuthorizedKeys: [`${KEY}\nssh-rsa AAAA evil`]}, 'sshAuthorizedKeys'],
      [{fqdn: 'a..b'}, 'fqdn'],
      [{hostKey: {privateKey: host.private, publicKey: other.public}}, 'hostKey.publicKey'],
      [{hostKey: {privateKey: host.private, publicKey: `${host.public}\nssh-rsa AAAA evil`}}, 'hostKey.publicKey'],
      [{hostKey: {privateKey: `${host.private}ssh_pwauth: true\n`, publicKey: host.public}}, 'hostKey.privateKey'],
      [{hostKey: {privateKey: host.private.replace(/\n[A-Za-z0-9+/=]+\n-----END/, '\nAAAA\n-----END'), publicKey: host.public}}, 'hostKey.privateKey'],
      [{hostKey: {privateKey: '', publicKey: host.public}}, 'hostKey.privateKey'],
    ]
    for (const [change, field] of bad) {
      assert.throws(() => seedView({...input, ...change}), (e) => hasCode(e, 'SEED_INVALID') && (e as Error).message.includes(field), field)
    }
  })

  void it('fail on a missing value instead of rendering an empty one (strict templates)', async () => {
    const incomplete = {...seedView(input)} as Partial<SeedView>
    delete incomplete.macAddress
    await assert.rejects(renderSeedFiles(incomplete as SeedView), /macAddress/)
  })

  void it('refuse templates with anything but {{json value}} expressions', () => {
    assert.doesNotThrow(() => { assertJsonOnly('a: {{json a}}\n{{!-- note --}}\n', 't') })
    for (const source of ['a: {{a}}', 'a: {{{json a}}}', '{{#if a}}x{{/if}}', '{{> partial}}', 'a: {{json a b}}', 'a: {{json "lit"}}', 'a: {{json a.b}}', 'a: {{json ../a}}']) {
      assert.throws(() => { assertJsonOnly(source, 't') }, (e) => hasCode(e, 'TEMPLATE_UNSAFE'), source)
    }
  })
})
