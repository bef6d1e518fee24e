/**
 * Compute nodes added to or dropped from the config between two starts, over the in-memory
 * hypervisor: an added node is created and the deploy runs again with it; a dropped node whose VM
 * exists stops the start (NODES_REMOVED) before anything is touched, unless --remove-nodes: then
 * exactly that node's domain, volumes, host key and known_hosts lines go, and the deploy runs again.
 */
import assert from 'node:assert/strict'
import {access, readdir, readFile} from 'node:fs/promises'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {StateStore} from '@ai-how/core'
import {FakeSlurm} from '../slurm/testing/fake-slurm.js'
import {fixtureCluster, makeFixture, removeFixtures} from '../vm/testing/cluster-fixture.js'
import type {Fixture} from '../vm/testing/cluster-fixture.js'
import {hpcManager, recordingDeployer} from './testing/hpc-fixture.js'

after(removeFixtures)

/** The same fixture (hypervisor, files) with the config's node list of `computes` compute nodes. */
function withComputes(f: Fixture, computes: number): Fixture {
  return {...f, spec: {...f.spec, cluster: fixtureCluster('lab', computes)}}
}

const keysDir = (f: Fixture): string => path.join(f.spec.outputDir, 'keys', 'lab')

void describe('hpc start with compute nodes added or dropped', () => {
  void it('an added compute node is created and the deploy runs again with it', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    const deploys: string[][] = []
    await hpcManager(f, {}, recordingDeployer(deploys)).start(f.run)
    const again = await hpcManager(f, {}, recordingDeployer(deploys)).start(f.run)
    assert.deepEqual(again.deploy, {ran: false, reason: 'no VM was created and the last deploy succeeded'})
    const grown = withComputes(f, 2)
    const result = await hpcManager(grown, {}, recordingDeployer(deploys)).start(grown.run)
    assert.deepEqual(result.created, ['lab-compute-02'])
    assert.deepEqual(result.kept.sort(), ['lab-compute-01', 'lab-controller'])
    assert.deepEqual(deploys, [['lab-controller', 'lab-compute-01'], ['lab-controller', 'lab-compute-01', 'lab-compute-02']])
  })

  void it('a dropped node whose VM exists stops the start before anything is touched, naming it', async () => {
    const f = await makeFixture(fixtureCluster('lab', 2))
    await hpcManager(f).start(f.run)
    const store = new StateStore(f.spec.statePath)
    const entry = await store.getEntry(f.spec.stateKey)
    const objects = f.hv.inventory()
    const keys = await readdir(keysDir(f))
    const known = await readFile(f.spec.ssh.knownHostsFile, 'utf8')
    const shrunk = withComputes(f, 1)
    await assert.rejects(hpcManager(shrunk).start(shrunk.run), (e: {code?: string; message?: string; actions?: string[]}) => {
      assert.equal(e.code, 'NODES_REMOVED')
      assert.match(e.message ?? '', /no longer names 1 node\(s\) whose VMs exist: lab-compute-02$/)
      assert.ok(e.actions?.some((a) => a.includes('Put the node(s) back')))
      assert.ok(e.actions?.some((a) => a.includes('--remove-nodes')))
      return true
    })
    assert.deepEqual(f.hv.inventory(), objects)
    assert.equal(await f.hv.domainState('lab-compute-02'), 'running')
    assert.deepEqual(await readdir(keysDir(f)), keys)
    assert.equal(await readFile(f.spec.ssh.knownHostsFile, 'utf8'), known)
    assert.deepEqual(await store.getEntry(f.spec.stateKey), entry)
  })

  void it('with --remove-nodes exactly the dropped node\'s domain, volumes, host key and known_hosts lines go, and the deploy runs again', async () => {
    const f = await makeFixture(fixtureCluster('lab', 2))
    const deploys: string[][] = []
    await hpcManager(f, {}, recordingDeployer(deploys)).start(f.run)
    const objects = f.hv.inventory()
    const keys = await readdir(keysDir(f))
    const known = await readFile(f.spec.ssh.knownHostsFile, 'utf8')
    assert.match(known, /lab-compute-02/)
    const shrunk = withComputes(f, 1)
    const result = await hpcManager(shrunk, {removeNodes: true}, recordingDeployer(deploys)).start(shrunk.run)
    assert.deepEqual(result.removed, ['lab-compute-02'])
    const gone = objects.filter((o) => !f.hv.inventory().includes(o))
    assert.deepEqual(gone, ['domain lab-compute-02', 'volume lab-pool/lab-compute-02-seed.iso', 'volume lab-pool/lab-compute-02.qcow2'])
    assert.deepEqual(f.hv.inventory().filter((o) => !objects.includes(o)), [], 'nothing was made')
    assert.deepEqual(keys.filter((k) => !k.startsWith('lab-compute-02.')), await readdir(keysDir(f)))
    const knownAfter = await readFile(f.spec.ssh.knownHostsFile, 'utf8')
    assert.equal(knownAfter, known.split('\n').filter((l) => !l.includes('lab-compute-02')).join('\n'))
    assert.ok(!knownAfter.includes('10.50.0.12'), 'the removed node\'s address is forgotten too')
    assert.ok(f.lifecycle.some((c) => c.phase === 'after-destroy' && c.node === 'compute-02'), JSON.stringify(f.lifecycle))
    assert.deepEqual(deploys, [['lab-controller', 'lab-compute-01', 'lab-compute-02'], ['lab-controller', 'lab-compute-01']])
    const entry = await new StateStore(f.spec.statePath).getEntry(f.spec.stateKey)
    assert.deepEqual(Object.keys(entry?.nodes ?? {}).sort(), ['compute-01', 'controller'])
    await access(path.join(keysDir(f), 'id_ed25519'))
  })

  void it('on a cluster whose Slurm ai-how manages, the removed node is set down before its VM goes; one Slurm still lists after the deploy is named', async () => {
    const f = await makeFixture(fixtureCluster('lab', 2))
    const slurm = new FakeSlurm(['lab-compute-01', 'lab-compute-02'])
    await hpcManager(f, {slurm: slurm.runner}).start(f.run)
    const store = new StateStore(f.spec.statePath)
    const entry = await store.getEntry(f.spec.stateKey)
    assert.ok(entry)
    await store.setEntry(f.spec.stateKey, {...entry, deploy: {...(entry.deploy as object), ok: true, builtin: true}})
    const states: string[] = []
    const shrunk = withComputes(f, 1)
    const runner = slurm.runner
    const result = await hpcManager(shrunk, {removeNodes: true, slurm: async (host, command, o) => {
      if (command.includes('scontrol')) states.push(await f.hv.domainState('lab-compute-02'))
      return runner(host, command, o)
    }}).start(shrunk.run)
    assert.deepEqual(result.removed, ['lab-compute-02'])
    assert.deepEqual(slurm.updates(), ['nodename=lab-compute-02 state=down reason=ai-how remove-nodes'])
    assert.deepEqual(states, ['running'], 'set down while its VM still ran')
    assert.equal(slurm.state('lab-compute-01'), 'idle')
    assert.ok(f.warnings.some((w) => w.includes('Slurm still lists the removed node(s) lab-compute-02')), f.warnings.join('\n'))
  })
})
