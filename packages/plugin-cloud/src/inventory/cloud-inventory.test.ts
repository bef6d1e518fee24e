import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {toIni, toYaml} from '@ai-how/core'
import type {InventoryAccess, LiveNode} from '@ai-how/plugin-hpc'
import {buildCloudInventory, leftOutNodes, leftOutNotice, withClusterVars} from './cloud-inventory.js'
import {createCloudInventoryGenerator} from './generator.js'
import {cloudGroupVars} from './group-vars.js'
import {access, ansibleList, available, context, example, fakeHypervisor, goldenDir, withWorkerStarted} from './test-support.js'
import type {Listed} from './test-support.js'
import {assertGolden} from '../../../../test/golden/golden.js'

const haveAnsible = await available('ansible-inventory', ['--version'])
const noAnsible = haveAnsible ? false : 'ansible-inventory is not on PATH (CI has it)'

const CP = 'cloud-cluster-control-plane'
const CPU = 'cloud-cluster-cpu-worker-01'
const GPU = 'cloud-cluster-gpu-worker-01'

function golden(name: string, text: string): void {
  assertGolden(path.join(goldenDir, name), text)
}

function groupHosts(inv: ReturnType<typeof buildCloudInventory>): Record<string, string[]> {
  return Object.fromEntries(inv.groups.map((g) => [g.name, g.hosts]))
}

void describe('cloud (Kubespray) inventory', () => {
  void it('is what `ai-how inventory examples/cloud-small.yaml cloud` prints (golden INI and YAML)', async () => {
    const ex = await example()
    const inv = withClusterVars(buildCloudInventory(ex.cluster, ex.section, access), cloudGroupVars(ex.section))
    assert.deepEqual(inv.hosts.map((h) => h.name), [CP, CPU])
    assert.deepEqual(groupHosts(inv), {kube_control_plane: [CP], etcd: [CP], kube_node: [CPU], k8s_cluster: [], calico_rr: []})
    assert.deepEqual(inv.groups.find((g) => g.name === 'k8s_cluster')?.children, ['kube_control_plane', 'kube_node'])
    golden('cloud-small.ini', toIni(inv))
    golden('cloud-small.yml', toYaml(inv))
    for (const format of ['ini', 'yaml'] as const) {
      const warnings: string[] = []
      const text = await createCloudInventoryGenerator(() => fakeHypervisor([]))
        .generate(context(ex, warnings), {format})
      assert.equal(text, readFileSync(path.join(goldenDir, format === 'ini' ? 'cloud-small.ini' : 'cloud-small.yml'), 'utf8'))
      assert.deepEqual(warnings, ['gpu-worker-01 (cloud-cluster-gpu-worker-01) is not started (auto_start: false): left out of the inventory'])
      assert.doesNotMatch(text, /gpu-worker/)
    }
  })

  void it('gives every host ip, access_ip and strict SSH through the cluster known_hosts', async () => {
    const ex = await example(withWorkerStarted)
    const inv = buildCloudInventory(ex.cluster, ex.section, access)
    const cp = inv.hosts.find((h) => h.name === CP)
    assert.deepEqual(cp?.vars, {
      ansible_host: '192.168.200.10',
      ip: '192.168.200.10',
      access_ip: '192.168.200.10',
      ansible_user: 'debian',
      ansible_become: true,
      ansible_ssh_private_key_file: '/out/keys/cloud-cluster/id_ed25519',
      ansible_ssh_common_args: `-o 'UserKnownHostsFile="/out/keys/cloud-cluster/known_hosts"' -o StrictHostKeyChecking=yes`,
    })
  })

  void it('labels GPU workers so that GPU workloads can target them', async () => {
    const ex = await example(withWorkerStarted)
    const inv = buildCloudInventory(ex.cluster, ex.section, access)
    assert.deepEqual(groupHosts(inv).kube_node, [CPU, GPU])
    const gpu = inv.hosts.find((h) => h.name === GPU)?.vars
    assert.deepEqual(gpu?.node_labels, {'ai-how/gpu': 'true', 'nvidia.com/gpu.present': 'true'})
    assert.equal(gpu.gpu_count, 1)
    const cpu = inv.hosts.find((h) => h.name === CPU)?.vars
    assert.ok(cpu)
    assert.equal(cpu.node_labels, undefined)
    assert.equal(cpu.gpu_count, undefined)
    // A known non-NVIDIA GPU keeps the ai-how label only.
    const amd = await example((s) => {
      withWorkerStarted(s)
      const dev = s.worker_nodes[1]?.pcie_passthrough?.devices?.[0]
      if (dev) dev.vendor_id = '1002'
    })
    assert.deepEqual(buildCloudInventory(amd.cluster, amd.section, access).hosts.find((h) => h.name === GPU)?.vars.node_labels, {'ai-how/gpu': 'true'})
  })

  void it('leaves out auto_start: false nodes and says so', async () => {
    const ex = await example()
    assert.deepEqual(leftOutNodes(ex.cluster), [{key: 'gpu-worker-01', vmName: GPU, reason: 'auto_start: false'}])
    assert.equal(leftOutNotice({key: 'gpu-worker-01', vmName: GPU, reason: 'auto_start: false'}), 'gpu-worker-01 (cloud-cluster-gpu-worker-01) is not started (auto_start: false): left out of the inventory')
    assert.ok(!buildCloudInventory(ex.cluster, ex.section, access).hosts.some((h) => h.name === GPU))
    // A DHCP worker is listed once libvirt knows its address, not before.
    const dhcp = await example((s) => {
      const cpu = s.worker_nodes[0]
      if (cpu) cpu.ip = 'DHCP'
    })
    const missing = leftOutNodes(dhcp.cluster).find((n) => n.vmName === CPU)
    assert.deepEqual(missing, {key: 'cpu-worker-01', vmName: CPU, reason: 'no IP address'})
    assert.equal(leftOutNotice(missing), 'cpu-worker-01 (cloud-cluster-cpu-worker-01) has no IP address yet (DHCP and no lease found): left out of the inventory')
    const live = new Map<string, LiveNode>([[CPU, {running: true, ip: '192.168.200.77'}]])
    assert.equal(buildCloudInventory(dhcp.cluster, dhcp.section, access, live).hosts.find((h) => h.name === CPU)?.vars.ip, '192.168.200.77')
  })

  void it('with a live view lists running nodes only, at their live IPs', async () => {
    const ex = await example()
    const live = new Map<string, LiveNode>([
      [CP, {running: true, ip: '192.168.200.10'}],
      [CPU, {running: false}],
      // started by hand although auto_start is false
      [GPU, {running: true, ip: '192.168.200.99'}],
    ])
    const inv = buildCloudInventory(ex.cluster, ex.section, access, live)
    assert.deepEqual(inv.hosts.map((h) => [h.name, h.vars.ansible_host, h.vars.ip, h.vars.access_ip]), [
      [CP, '192.168.200.10', '192.168.200.10', '192.168.200.10'],
      [GPU, '192.168.200.99', '192.168.200.99', '192.168.200.99'],
    ])
    assert.deepEqual(groupHosts(inv).kube_node, [GPU])
    assert.deepEqual(leftOutNodes(ex.cluster, live), [{key: 'cpu-worker-01', vmName: CPU, reason: 'not running'}])
    // The generator reads the same from libvirt.
    const warnings: string[] = []
    const text = await createCloudInventoryGenerator(() =>
      fakeHypervisor([
        {name: CP, state: 'running', ip: '192.168.200.10'},
        {name: CPU, state: 'shutoff'},
        {name: GPU, state: 'running', ip: '192.168.200.99'},
      ]),
    ).generate(context(ex, warnings), {format: 'ini'})
    assert.match(text, /^cloud-cluster-gpu-worker-01 access_ip=192\.168\.200\.99 /m)
    assert.doesNotMatch(text, /cpu-worker/)
    assert.deepEqual(warnings, ['cpu-worker-01 (cloud-cluster-cpu-worker-01) is not running: left out of the inventory'])
  })

  void it('refuses control characters, Jinja delimiters and key paths Ansible cannot pass to ssh', async () => {
    const ex = await example()
    const bad: [Partial<InventoryAccess>, RegExp][] = [
      [{user: 'debian\nx'}, /SSH user "debian\\nx" contains a control character \(U\+000A\)/],
      [{knownHostsPath: '/out/a\tb/known_hosts'}, /known_hosts path .* control character \(U\+0009\)/],
      [{privateKeyPath: '/out/key\u007f'}, /private key path .*\(U\+007F\)/],
      [{knownHostsPath: '/out/\u2028/known_hosts'}, /U\+2028/],
      [{knownHostsPath: '/out/\u0085/known_hosts'}, /U\+0085/],
      [{user: '{{ lookup("pipe", "id") }}'}, /Jinja delimiter \{\{/],
      [{knownHostsPath: '/out/${HOME}/known_hosts'}, /\$\{/],
      [{privateKeyPath: '/out/100%/id'}, /"%"/],
      [{privateKeyPath: '/out/a"b/id'}, /Ansible passes the key to ssh/],
    ]
    for (const [change, message] of bad) {
      assert.throws(() => buildCloudInventory(ex.cluster, ex.section, {...access, ...change}), (e: unknown) => {
        assert.ok(e instanceof Error)
        assert.match(e.message, message)
        assert.equal((e as {code?: unknown}).code, 'INVENTORY_UNSAFE_VALUE')
        return true
      })
    }
    const live = new Map<string, LiveNode>([[CP, {running: true, ip: '192.168.200.10\n[evil]'}]])
    assert.throws(() => buildCloudInventory(ex.cluster, ex.section, access, live), /cloud-cluster-control-plane: ansible_host .* control character/)
  })

  void it('ansible-inventory reads both forms alike, with the groups and vars Kubespray wants', {skip: noAnsible}, async () => {
    const ex = await example((s) => {
      withWorkerStarted(s)
      ;(s.kubernetes_config as {version?: string}).version = 'v1.30.4'
    })
    const inv = withClusterVars(buildCloudInventory(ex.cluster, ex.section, access), cloudGroupVars(ex.section))
    const ini = await ansibleList(toIni(inv), 'inventory.ini')
    const yaml = await ansibleList(toYaml(inv), 'inventory.yml')
    assert.deepEqual(ini._meta.hostvars, yaml._meta.hostvars)
    for (const listed of [ini, yaml] as Listed[]) {
      assert.deepEqual(listed.kube_control_plane, {hosts: [CP]})
      assert.deepEqual(listed.etcd, {hosts: [CP]})
      assert.deepEqual(listed.kube_node, {hosts: [CPU, GPU]})
      assert.deepEqual(listed.k8s_cluster, {children: ['kube_control_plane', 'kube_node']})
      const gpu = listed._meta.hostvars[GPU]
      assert.deepEqual(gpu?.node_labels, {'ai-how/gpu': 'true', 'nvidia.com/gpu.present': 'true'})
      assert.equal(gpu.gpu_count, 1)
      assert.equal(gpu.ansible_become, true)
      assert.equal(gpu.access_ip, '192.168.200.12')
      assert.equal(gpu.ansible_ssh_common_args, `-o 'UserKnownHostsFile="/out/keys/cloud-cluster/known_hosts"' -o StrictHostKeyChecking=yes`)
      assert.equal(gpu.kube_network_plugin, 'calico')
      assert.equal(gpu.kube_version, '1.30.4')
      assert.equal(gpu.ingress_nginx_enabled, true)
      assert.equal(gpu.local_path_provisioner_enabled, true)
      assert.equal(gpu.local_path_provisioner_storage_class, 'local-path')
    }
  })
})
