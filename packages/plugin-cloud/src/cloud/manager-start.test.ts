/**
 * `cloud start` over the in-memory hypervisor, with a fake Kubernetes API and no guest: the
 * Kubespray inventory of the started nodes, the deploy through the resolved Deployer, the admin
 * kubeconfig (0600, server rewritten to the control plane), the state entry, and what a failed
 * deploy, an unhealthy cluster and an idle GPU worker that the host cannot run do.
 */
import assert from 'node:assert/strict'
import {access, readFile, stat} from 'node:fs/promises'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {StateStore} from '@ai-how/core'
import type {AiHowError, NodeDescription, NodeState} from '@ai-how/core'
import {macForVm} from '@ai-how/plugin-hpc'
import {nodeObject} from '../k8s/testing/fake-api.js'
import {CP, CPU, GPU, GPU_PCI, GPU_SUMMARY, NAME, cloudFixture, cloudFixtureWithApi, cloudManager, removeCloudFixtures} from './testing/cloud-fixture.js'
import type {CloudFixture} from './testing/cloud-fixture.js'

const out = (f: CloudFixture, ...parts: string[]): string => path.join(f.spec.outputDir, ...parts)
const missing = async (file: string): Promise<void> => { await assert.rejects(access(file), `${file} should not exist`) }

before(async () => {
  // The client library takes a second or more to import: not part of any deadline below.
  await import('@kubernetes/client-node')
})
after(removeCloudFixtures)

void describe('CloudVMManager.start', () => {
  void it('writes the inventory of the started nodes, deploys it, fetches the kubeconfig and records the entry', async (t) => {
    const {f, api} = await cloudFixtureWithApi(t)
    const result = await cloudManager(f).start(f.run)

    // The GPU worker (auto_start: false) is defined, not started, and named as left out.
    assert.equal(f.hv.domains.get(GPU)?.state, 'shutoff')
    assert.ok(f.hv.calls.includes(`defineDomain ${GPU}`))
    assert.ok(!f.hv.calls.includes(`startDomain ${GPU}`))
    assert.deepEqual([CP, CPU].map((n) => f.hv.domains.get(n)?.state), ['running', 'running'])
    assert.ok(f.warnings.some((w) => w.includes(GPU) && w.includes('left out of the inventory')), f.warnings.join('\n'))

    const inventory = await readFile(out(f, NAME, 'inventory.ini'), 'utf8')
    assert.match(inventory, new RegExp(`^${CP} .*ansible_host=127\\.0\\.0\\.1 `, 'm'))
    assert.match(inventory, new RegExp(`^${CPU} .*ansible_host=127\\.0\\.0\\.11 `, 'm'))
    assert.ok(!inventory.includes(GPU), inventory)
    assert.match(inventory, new RegExp(`^\\[kube_control_plane\\]\\n${CP}$`, 'm'))
    assert.match(inventory, new RegExp(`^\\[kube_node\\]\\n${CPU}$`, 'm'))
    const groupVars = await readFile(out(f, NAME, 'group_vars', 'k8s_cluster.yml'), 'utf8')
    assert.match(groupVars, /^kube_network_plugin: calico$/m)
    assert.deepEqual(f.deployCalls, [{inventoryPath: out(f, NAME, 'inventory.ini'), hosts: [CP, CPU]}], 'the deploy must reach the nodes of the inventory')

    // admin.conf read on the control plane, its server pointed back at the control plane's IP.
    assert.deepEqual(f.guestCalls.map((c) => [c.host, c.command.join(' ')]), [['127.0.0.1', 'sudo -n cat /etc/kubernetes/admin.conf']])
    const kubeconfig = out(f, NAME, 'kubeconfig')
    assert.equal((await stat(kubeconfig)).mode & 0o777, 0o600)
    const text = await readFile(kubeconfig, 'utf8')
    assert.ok(text.includes(`server: https://127.0.0.1:${api.port}`), text)
    assert.ok(!text.includes('10.9.9.9'), text)

    const entry = await new StateStore(f.spec.statePath).getEntry('cloud_cluster')
    assert.ok(entry)
    assert.equal(entry.name, NAME)
    assert.equal(entry.config_file, f.spec.configFile)
    assert.equal(entry.status, 'running')
    assert.deepEqual(entry.network, {name: `${NAME}-network`, subnet: '127.0.0.0/24', bridge: 'virbr200', gateway: '127.0.0.254'})
    assert.equal((entry.pool as {name: string}).name, `${NAME}-pool`)
    const k8s = entry.kubernetes as {kubeconfig: string; healthy: boolean; cordoned: string[]; nodes_ready: string}
    assert.deepEqual([k8s.kubeconfig, k8s.healthy, k8s.cordoned, k8s.nodes_ready], [kubeconfig, true, [], '2/2'])
    const want = [
      ['control-plane', CP, '127.0.0.1', 'kubernetes-control-plane', 'running'],
      ['cpu-worker-01', CPU, '127.0.0.11', 'kubernetes-worker', 'running'],
      ['gpu-worker-01', GPU, '127.0.0.12', 'kubernetes-worker', 'shutoff'],
    ] as const
    for (const [key, vm, ip, role, state] of want) {
      const n: NodeState | undefined = entry.nodes[key]
      assert.ok(n, `no node ${key}`)
      assert.deepEqual([n.vm_name, n.vm_id, n.ip, n.mac, n.role, n.state], [vm, await f.hv.domainUuid(vm), ip, macForVm(vm), role, state])
    }
    const gpu = entry.nodes['gpu-worker-01']
    assert.ok(gpu)
    assert.deepEqual([gpu.gpu, gpu.pci_devices], [GPU_SUMMARY, [GPU_PCI]])
    assert.equal(entry.nodes['cpu-worker-01']?.gpu, undefined)

    assert.deepEqual(result.created.sort(), [CP, CPU, GPU])
    assert.deepEqual(result.started.sort(), [CP, CPU])
    assert.equal((result.kubernetes as {healthy: boolean}).healthy, true)
    assert.deepEqual(result.left_out, [{name: GPU, reason: 'auto_start: false'}])
  })

  void it('a failing deploy rolls back only what this run made: VMs, inventory, no kubeconfig, no entry', async () => {
    const f = await cloudFixture()
    // Someone else's network on the same hypervisor: not this run's, so it stays.
    await f.hv.defineNetwork("<network><name>other-network</name><bridge name='virbr9'/></network>")
    f.deployFailure.failure = `TASK [kubernetes/control-plane : kubeadm | Initialize first control plane node] fatal: [${CP}]: FAILED!`
    await assert.rejects(cloudManager(f).start(f.run), (e: AiHowError) => {
      assert.equal(e.code, 'DEPLOY_FAILED')
      assert.equal(e.exitCode, 1)
      assert.ok(e.message.includes('kubeadm | Initialize first control plane node'), e.message)
      assert.ok(e.message.includes('deploy-cloud-cluster.yml failed (exit 2)'), e.message)
      assert.ok(e.actions.some((a) => a.includes(out(f, 'logs', NAME, 'deploy-test.log'))), e.actions.join('\n'))
      return true
    })
    assert.equal(f.deployCalls.length, 1)
    assert.deepEqual(f.hv.inventory(), ['network other-network'])
    await missing(out(f, NAME, 'kubeconfig'))
    await missing(out(f, NAME, 'inventory.ini'))
    await missing(out(f, NAME, 'group_vars', 'k8s_cluster.yml'))
    assert.equal(await new StateStore(f.spec.statePath).getEntry('cloud_cluster'), undefined)
  })

  void it('fails with CLUSTER_UNHEALTHY naming the node that is not Ready within --health-timeout, and rolls back', async (t) => {
    const {f, api} = await cloudFixtureWithApi(t)
    api.nodes[1] = nodeObject(CPU, {ready: false})
    const started = Date.now()
    await assert.rejects(cloudManager(f, {healthTimeoutMs: 1000}).start(f.run), (e: AiHowError) => {
      assert.equal(e.code, 'CLUSTER_UNHEALTHY')
      assert.match(e.message, /not healthy after 1 s/)
      assert.ok(e.message.includes(`not ready: ${CPU} (`), e.message)
      return true
    })
    const elapsed = Date.now() - started
    assert.ok(elapsed >= 900 && elapsed < 5000, `took ${elapsed} ms`)
    assert.ok(api.requestsTo('GET', '/api/v1/nodes').length >= 2, 'it looked again before the deadline')
    assert.deepEqual(f.hv.inventory(), [])
    await missing(out(f, NAME, 'kubeconfig'))
    assert.equal(await new StateStore(f.spec.statePath).getEntry('cloud_cluster'), undefined)
  })

  void it('warns, and does not refuse, when the host cannot run the GPU of a node that is not started', async (t) => {
    const {f} = await cloudFixtureWithApi(t)
    const asked: string[][] = []
    f.hostChecks = (nodes: readonly NodeDescription[] | undefined) => {
      asked.push((nodes ?? []).map((n) => n.vmName))
      if (nodes?.some((n) => n.vmName === GPU) !== true) return [{id: 'tool.virsh', ok: true, message: 'virsh found', fix: []}]
      return [{id: `gpu.node.cloud.gpu-worker-01`, ok: false, message: `${GPU_PCI} is bound to nvidia, not vfio-pci`, fix: [`ai-how gpu check`]}]
    }
    const result = await cloudManager(f).start(f.run)
    assert.equal(result.status, 'running')
    assert.deepEqual(asked, [[CP, CPU], [GPU]])
    const warning = f.warnings.find((w) => w.includes('cannot be started on this host'))
    assert.ok(warning, f.warnings.join('\n'))
    assert.ok(warning.startsWith(`${GPU} is defined but cannot be started on this host`), warning)
    assert.ok(warning.includes(`${GPU_PCI} is bound to nvidia, not vfio-pci`), warning)
    assert.equal(f.hv.domains.get(GPU)?.state, 'shutoff')
  })
})
