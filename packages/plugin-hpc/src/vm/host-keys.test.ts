/**
 * Host keys through the lifecycle over the in-memory hypervisor: generated and written to
 * known_hosts before any VM boots, carried by each new node's seed, kept by stop/start, their own
 * for a node added later, undone with a failed start, removed by destroy.
 */
import assert from 'node:assert/strict'
import {readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import type {SeedView} from '../cloud-init/view.js'
import {loadNodeHostKey} from '../ssh/node-host-keys.js'
import type {NodeHostKey} from '../ssh/node-host-keys.js'
import {ClusterManager} from './cluster-manager.js'
import {fixtureCluster, fixtureNode, makeFixture, removeFixtures} from './testing/cluster-fixture.js'
import type {Fixture} from './testing/cluster-fixture.js'

after(removeFixtures)

const manager = (f: Fixture): ClusterManager => new ClusterManager(f.spec, f.deps)
const blob = (k: NodeHostKey | undefined): string => k?.publicKey.split(' ')[1] ?? 'none'
const keyOf = (f: Fixture, vm: string): Promise<NodeHostKey | undefined> => loadNodeHostKey(f.spec.outputDir, f.spec.cluster.name, vm)
const knownHosts = (f: Fixture): Promise<string> => readFile(f.spec.ssh.knownHostsFile, 'utf8')

/** The seed view of each VM and the known_hosts text at the moment each VM was started. */
function watch(f: Fixture): {seeds: Map<string, SeedView>; atBoot: Map<string, string>} {
  const seeds = new Map<string, SeedView>()
  const atBoot = new Map<string, string>()
  f.deps.seedBuilder = async (view, file) => {
    seeds.set(view.hostname, view)
    await writeFile(file, JSON.stringify(view))
  }
  const start = f.hv.startDomain.bind(f.hv)
  f.hv.startDomain = async (name) => {
    atBoot.set(name, await knownHosts(f).catch(() => ''))
    await start(name)
  }
  return {seeds, atBoot}
}

void describe('SSH host keys in start, stop and destroy', () => {
  void it('start generates each node\'s key (0600), lists it in known_hosts before the VM boots, and hands it to the guest in its seed', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    const {seeds, atBoot} = watch(f)
    await manager(f).start(f.run)
    for (const [vm, ip] of [['lab-controller', '10.50.0.10'], ['lab-compute-01', '10.50.0.11']] as const) {
      const key = await keyOf(f, vm)
      assert.ok(key, vm)
      assert.equal(path.dirname(key.privateKeyPath), path.join(f.spec.outputDir, 'keys', 'lab'))
      assert.equal((await stat(key.privateKeyPath)).mode & 0o777, 0o600)
      assert.deepEqual(seeds.get(vm)?.sshHostKeys, {ed25519_private: key.privateKey, ed25519_public: key.publicKey})
      assert.ok(atBoot.get(vm)?.split('\n').includes(`${ip},${vm} ssh-ed25519 ${blob(key)}`), `known_hosts when ${vm} booted: ${atBoot.get(vm) ?? 'none'}`)
    }
    assert.notEqual(blob(await keyOf(f, 'lab-controller')), blob(await keyOf(f, 'lab-compute-01')))
    assert.equal((await knownHosts(f)).split('\n').filter((l) => l !== '').length, 2)
  })

  void it('records a DHCP node under its VM name only before it boots', async () => {
    const cluster = fixtureCluster('lab', 0)
    const dhcp = fixtureNode('lab', 'compute-01', 'compute', '')
    delete (dhcp as {ip?: string}).ip
    const f = await makeFixture({...cluster, nodes: [...cluster.nodes, dhcp]})
    f.hv.addresses.set('lab-compute-01', '10.50.0.150')
    const {atBoot} = watch(f)
    await manager(f).start(f.run)
    const key = await keyOf(f, 'lab-compute-01')
    assert.ok(atBoot.get('lab-compute-01')?.split('\n').includes(`lab-compute-01 ssh-ed25519 ${blob(key)}`))
  })

  void it('stop and start keep every key and known_hosts as they are; a node added later gets its own key', async () => {
    const small = fixtureCluster('lab', 1)
    const f = await makeFixture(small)
    await manager(f).start(f.run)
    const keys = [blob(await keyOf(f, 'lab-controller')), blob(await keyOf(f, 'lab-compute-01'))]
    const text = await knownHosts(f)
    await manager(f).stop(f.run, 1000)
    const {seeds} = watch(f)
    const again = await manager(f).start(f.run)
    assert.deepEqual([...again.started].sort(), ['lab-compute-01', 'lab-controller'])
    assert.deepEqual([blob(await keyOf(f, 'lab-controller')), blob(await keyOf(f, 'lab-compute-01'))], keys)
    assert.equal(await knownHosts(f), text)
    const grown = {...small, nodes: [...small.nodes, fixtureNode('lab', 'compute-02', 'compute', '10.50.0.12')]}
    await new ClusterManager({...f.spec, cluster: grown}, f.deps).start(f.run)
    const added = await keyOf(f, 'lab-compute-02')
    assert.ok(added && !keys.includes(blob(added)))
    assert.deepEqual([...seeds.keys()], ['lab-compute-02'], 'only the new node gets a seed')
    assert.equal(await knownHosts(f), `${text}10.50.0.12,lab-compute-02 ssh-ed25519 ${blob(added)}\n`)
  })

  void it('a failed start removes the keys it generated and puts known_hosts back; the existing nodes\' keys stay', async () => {
    const small = fixtureCluster('lab', 1)
    const f = await makeFixture(small)
    await manager(f).start(f.run)
    const text = await knownHosts(f)
    const before = await readdir(path.join(f.spec.outputDir, 'keys', 'lab'))
    const grown = {...small, nodes: [...small.nodes, fixtureNode('lab', 'compute-02', 'compute', '10.50.0.12')]}
    f.sshFailure.error = new Error('no SSH')
    await assert.rejects(new ClusterManager({...f.spec, cluster: grown}, f.deps).start(f.run), /no SSH/)
    assert.equal(await keyOf(f, 'lab-compute-02'), undefined)
    assert.deepEqual(await readdir(path.join(f.spec.outputDir, 'keys', 'lab')), before)
    assert.equal(await knownHosts(f), text)
  })

  void it('the first start that fails leaves neither keys nor known_hosts', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    f.sshFailure.error = new Error('no SSH')
    await assert.rejects(manager(f).start(f.run), /no SSH/)
    assert.deepEqual(await readdir(path.join(f.spec.outputDir, 'keys', 'lab')), ['id_ed25519', 'id_ed25519.pub'])
  })

  void it('keeps the recorded line of a VM made before ai-how generated host keys, and makes it no key it could not install', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    await manager(f).start(f.run)
    const controller = await keyOf(f, 'lab-controller')
    assert.ok(controller)
    await rm(controller.privateKeyPath)
    await rm(`${controller.privateKeyPath}.pub`)
    const compute = (await knownHosts(f)).split('\n').find((l) => l.includes('lab-compute-01')) ?? ''
    await writeFile(f.spec.ssh.knownHostsFile, `10.50.0.10,lab-controller ssh-ed25519 AAAAlegacy\n${compute}\n`)
    await manager(f).start(f.run)
    assert.equal(await keyOf(f, 'lab-controller'), undefined)
    assert.equal(await knownHosts(f), `10.50.0.10,lab-controller ssh-ed25519 AAAAlegacy\n${compute}\n`)
  })

  void it('destroy removes the nodes\' host keys with known_hosts, and keeps the cluster key', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    await manager(f).start(f.run)
    assert.equal((await readdir(path.join(f.spec.outputDir, 'keys', 'lab'))).length, 7)
    await manager(f).destroy(f.run, {confirmed: true})
    assert.deepEqual(await readdir(path.join(f.spec.outputDir, 'keys', 'lab')), ['id_ed25519', 'id_ed25519.pub'])
  })
})
