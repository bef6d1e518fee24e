/**
 * `cloud status` (read-only, with a live Kubernetes section; an API that is down is reported, not
 * thrown) and `cloud destroy` (powers off at once, removes every object, archives the entry, the
 * kubeconfig and the logs, leaves another kind's entry alone), over the in-memory hypervisor.
 */
import assert from 'node:assert/strict'
import {access, mkdir, readFile, readdir, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {StateStore} from '@ai-how/core'
import type {FakeApi} from '../k8s/testing/fake-api.js'
import {CP, CPU, GPU, NAME, cloudFixtureWithApi, cloudManager, removeCloudFixtures} from './testing/cloud-fixture.js'
import type {CloudFixture} from './testing/cloud-fixture.js'

interface KubernetesStatus {
  api_reachable: boolean
  nodes_ready?: string
  version?: string | null
  healthy?: boolean
}

async function started(t: {after: (fn: () => Promise<void>) => void}): Promise<{f: CloudFixture; api: FakeApi}> {
  const {f, api} = await cloudFixtureWithApi(t)
  await cloudManager(f).start(f.run)
  api.requests.length = 0
  return {f, api}
}

const writes = (api: FakeApi): string[] => api.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)

before(async () => {
  await import('@kubernetes/client-node')
})
after(removeCloudFixtures)

void describe('CloudVMManager.status', () => {
  void it('reports the live Kubernetes facts without writing the state file or to the API', async (t) => {
    const {f, api} = await started(t)
    const bytes = await readFile(f.spec.statePath)
    const mtime = (await stat(f.spec.statePath)).mtimeMs
    const calls = f.hv.calls.length
    const status = await cloudManager(f).status()
    const k8s = (status as unknown as {kubernetes: KubernetesStatus}).kubernetes
    assert.equal(k8s.api_reachable, true)
    assert.equal(k8s.nodes_ready, '2/2')
    assert.equal(k8s.version, 'v1.31.4')
    assert.equal(k8s.healthy, true)
    assert.deepEqual(status.nodes.map((n) => [n.name, n.state]), [[CP, 'running'], [CPU, 'running'], [GPU, 'shutoff']])
    assert.ok(api.requests.length > 0, 'it asked the API')
    assert.deepEqual(writes(api), [], 'no PATCH/POST/DELETE')
    assert.deepEqual(await readFile(f.spec.statePath), bytes)
    assert.equal((await stat(f.spec.statePath)).mtimeMs, mtime)
    assert.equal(f.hv.calls.length, calls, 'no mutating hypervisor call')
  })

  void it('with the API down says api_reachable: false, promptly, and does not throw', async (t) => {
    const {f, api} = await started(t)
    await api.close()
    const bytes = await readFile(f.spec.statePath)
    const begun = Date.now()
    const status = await cloudManager(f).status()
    const elapsed = Date.now() - begun
    const k8s = (status as unknown as {kubernetes: KubernetesStatus}).kubernetes
    assert.equal(k8s.api_reachable, false)
    assert.equal(k8s.healthy, false)
    assert.equal(status.status, 'running')
    assert.ok(elapsed < 2000, `status waited ${elapsed} ms for an API that refuses connections`)
    assert.deepEqual(await readFile(f.spec.statePath), bytes)
  })
})

void describe('CloudVMManager.destroy', () => {
  void it('powers off at once, removes everything, archives entry, kubeconfig and logs, and keeps another kind\'s entry', async (t) => {
    const {f, api} = await started(t)
    const store = new StateStore(f.spec.statePath)
    const hpc = {name: 'lab', config_file: '/x/hpc.yaml', status: 'running', nodes: {}}
    await store.update((doc) => { doc.hpc_cluster = hpc })
    const logs = path.join(f.spec.outputDir, 'logs', NAME)
    await mkdir(logs, {recursive: true})
    await writeFile(path.join(logs, 'deploy-test.log'), 'PLAY RECAP\n')
    const kubeconfig = await readFile(path.join(f.spec.outputDir, NAME, 'kubeconfig'), 'utf8')

    const result = await cloudManager(f).destroy(f.run, {confirmed: true})
    assert.ok(!f.hv.calls.some((c) => /^(shutdownDomain|agentShutdownDomain) /.test(c)), 'no ACPI or agent request, no wait')
    assert.ok(f.hv.calls.indexOf(`forceOffDomain ${CP}`) < f.hv.calls.indexOf(`undefineDomain ${CP}`))
    assert.deepEqual([...result.forced].sort(), [CP, CPU])
    assert.deepEqual(result.domains.sort(), [CP, CPU, GPU])
    assert.deepEqual(f.hv.inventory(), [])
    assert.deepEqual(writes(api), [], 'destroy does not drain')

    const doc = await store.read()
    assert.equal(doc.cloud_cluster, undefined)
    assert.deepEqual(doc.hpc_cluster, hpc)
    assert.ok(result.archive !== null && path.dirname(result.archive) === path.join(f.spec.outputDir, 'logs'), String(result.archive))
    assert.match(path.basename(result.archive), /^cloud-cluster-destroyed-\d{8}T\d{6}Z$/)
    const archived = JSON.parse(await readFile(path.join(result.archive, 'state-entry.json'), 'utf8')) as {kind: string; entry: {name: string; status: string}}
    assert.deepEqual([archived.kind, archived.entry.name, archived.entry.status], ['cloud', NAME, 'running'])
    assert.equal(await readFile(path.join(result.archive, 'files', 'kubeconfig'), 'utf8'), kubeconfig)
    assert.deepEqual((await readdir(path.join(result.archive, 'files'))).sort(), ['group_vars', 'inventory.ini', 'kubeconfig'])
    assert.equal(await readFile(path.join(result.archive, 'logs', 'deploy-test.log'), 'utf8'), 'PLAY RECAP\n')
    await assert.rejects(access(path.join(f.spec.outputDir, NAME)), 'the cluster\'s output folder is gone')
    await assert.rejects(access(logs), 'its logs moved to the archive')
  })
})
