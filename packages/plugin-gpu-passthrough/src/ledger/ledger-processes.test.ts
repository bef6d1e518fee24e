/**
 * The GPU ledger across separate processes, through the real hook and the real state file, with
 * libvirt answered by real `virsh` on a test-driver world whose domain states the test sets: two
 * clusters share one GPU; one VM holds it at a time; a stale holder is cleared with a notice.
 */
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {mkdtemp, readFile, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {promisify} from 'node:util'
import type {NodeLifecycleEvent, NodeLifecyclePhase, StateDocument} from '@ai-how/core'
import {makeCluster} from '../test-support/clusters.js'
import {REPO_ROOT} from '../test-support/paths.js'
import {hasVirsh} from '../test-support/virsh.js'

const run = promisify(execFile)
const HELPER = path.join(REPO_ROOT, 'packages/plugin-gpu-passthrough/src/test-support/run-lifecycle.ts')
const GPU = '0000:01:00.0'

const hpc = makeCluster({kind: 'hpc', name: 'lab-hpc', nodes: [{key: 'compute-01', devices: [[GPU, 'gpu'], ['0000:01:00.1', 'audio']]}]})
const cloud = makeCluster({kind: 'cloud', name: 'lab-cloud', nodes: [{key: 'gpu-worker-01', devices: [[GPU, 'gpu']]}]})

interface World {
  dir: string
  statePath: string
  uri: string
  /** Sets the run state of the two VMs in the libvirt test-driver world. */
  vms(states: {hpc: 'running' | 'shut off'; cloud: 'running' | 'shut off'}): Promise<void>
}

async function makeWorld(): Promise<World> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-ledger-'))
  const nodeXml = path.join(dir, 'libvirt.xml')
  const domain = (name: string, state: string): string =>
    `<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>${name}</name><memory>262144</memory><os><type>hvm</type></os><test:runstate>${state === 'running' ? 1 : 5}</test:runstate></domain>`
  return {
    dir,
    statePath: path.join(dir, 'output/state.json'),
    uri: `test://${nodeXml}`,
    vms: (states) => writeFile(nodeXml, `<node>${domain('lab-hpc-compute-01', states.hpc)}${domain('lab-cloud-gpu-worker-01', states.cloud)}</node>`),
  }
}

interface Outcome {
  code: number
  stdout: string
  stderr: string
}

async function lifecycle(world: World, phase: NodeLifecyclePhase, cluster: typeof hpc): Promise<Outcome> {
  const node = cluster.nodes[0]
  assert.ok(node)
  const event: NodeLifecycleEvent = {phase, kind: cluster.kind, cluster, node, statePath: world.statePath, libvirtUri: world.uri}
  const env = {...process.env, AI_HOW_DATA_DIR: path.join(world.dir, 'data'), AI_HOW_CACHE_DIR: path.join(world.dir, 'cache'), AI_HOW_CONFIG_DIR: path.join(world.dir, 'config')}
  try {
    const {stdout, stderr} = await run(process.execPath, ['--import', 'tsx', HELPER, JSON.stringify(event)], {cwd: REPO_ROOT, env})
    return {code: 0, stdout, stderr}
  } catch (error) {
    const e = error as {code: number; stdout: string; stderr: string}
    return {code: e.code, stdout: e.stdout, stderr: e.stderr}
  }
}

async function holders(world: World): Promise<Record<string, string>> {
  const doc = JSON.parse(await readFile(world.statePath, 'utf8')) as StateDocument
  return Object.fromEntries(Object.entries(doc.gpu_allocations).map(([address, a]) => [address, `${a.kind}/${a.cluster}/${a.node}/${a.vm_name}`]))
}

void describe('GPU ledger across processes (real hook, state file and virsh test driver)', {skip: hasVirsh() ? false : 'virsh is not installed'}, () => {
  let world: World
  before(async () => {
    world = await makeWorld()
  })

  void it('lets one VM at a time hold a GPU shared by two clusters, and clears a stale holder with a notice', async () => {
    await world.vms({hpc: 'shut off', cloud: 'shut off'})
    const first = await lifecycle(world, 'before-start', hpc)
    assert.equal(first.code, 0, first.stdout + first.stderr)
    assert.deepEqual(await holders(world), {[GPU]: 'hpc/lab-hpc/compute-01/lab-hpc-compute-01'}, 'only the GPU is in the ledger, not its audio function')
    await world.vms({hpc: 'running', cloud: 'shut off'})
    assert.equal((await lifecycle(world, 'after-start', hpc)).code, 0)

    const refused = await lifecycle(world, 'before-start', cloud)
    assert.equal(refused.code, 1)
    const error = JSON.parse(refused.stdout) as {code: string; message: string; actions: string[]}
    assert.equal(error.code, 'GPU_BUSY')
    assert.match(error.message, /GPU 0000:01:00\.0 is held by hpc cluster "lab-hpc" node compute-01 \(VM lab-hpc-compute-01, running since /)
    assert.ok(error.actions.some((a) => a.startsWith('Stop the holder: ai-how hpc stop')))
    assert.deepEqual(await holders(world), {[GPU]: 'hpc/lab-hpc/compute-01/lab-hpc-compute-01'}, 'the refused start changed nothing')

    await world.vms({hpc: 'shut off', cloud: 'shut off'})
    assert.equal((await lifecycle(world, 'after-stop', hpc)).code, 0)
    assert.deepEqual(await holders(world), {}, 'stop released the GPU')

    const second = await lifecycle(world, 'before-start', cloud)
    assert.equal(second.code, 0, second.stdout + second.stderr)
    await world.vms({hpc: 'shut off', cloud: 'running'})
    assert.equal((await lifecycle(world, 'after-start', cloud)).code, 0)
    assert.deepEqual(await holders(world), {[GPU]: 'cloud/lab-cloud/gpu-worker-01/lab-cloud-gpu-worker-01'})

    // The cloud VM dies behind ai-how's back (crash, virsh destroy): its claim is stale.
    await world.vms({hpc: 'shut off', cloud: 'shut off'})
    const takeover = await lifecycle(world, 'before-start', hpc)
    assert.equal(takeover.code, 0, takeover.stdout + takeover.stderr)
    assert.match(takeover.stderr, /Warning: GPU 0000:01:00\.0 was claimed by cloud cluster "lab-cloud" node gpu-worker-01, whose VM lab-cloud-gpu-worker-01 is shut off .*clearing that stale claim/)
    assert.deepEqual(await holders(world), {[GPU]: 'hpc/lab-hpc/compute-01/lab-hpc-compute-01'})

    // Destroying the other cluster releases nothing of this one.
    assert.equal((await lifecycle(world, 'after-destroy', cloud)).code, 0)
    assert.deepEqual(await holders(world), {[GPU]: 'hpc/lab-hpc/compute-01/lab-hpc-compute-01'})
  })
})
