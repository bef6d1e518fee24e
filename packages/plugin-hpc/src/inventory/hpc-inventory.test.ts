import assert from 'node:assert/strict'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'
import {loadConfig, toIni, toYaml} from '@ai-how/core'
import {execa} from 'execa'
import {hpcClusterKind} from '../kind/registration.js'
import type {HpcClusterConfig} from '../kind/types.js'
import {buildHpcInventory} from './hpc-inventory.js'
import type {InventoryAccess, LiveNode} from './hpc-inventory.js'
import {assertGolden} from '../../../../test/golden/golden.js'

const root = path.resolve(import.meta.dirname, '../../../..')
const goldenDir = path.join(root, 'test/golden/inventory')
const access = {user: 'debian', privateKeyPath: '/keys/id_ed25519', knownHostsPath: '/out/known_hosts'}

async function example() {
  const loaded = await loadConfig(path.join(root, 'examples/hpc-small.yaml'), [hpcClusterKind], {AI_HOW_IMAGE_DIR: '/images'})
  const section = loaded.config.clusters.hpc as HpcClusterConfig
  return {cluster: hpcClusterKind.describe(section, loaded), section}
}

function golden(name: string, text: string): void {
  assertGolden(path.join(goldenDir, name), text)
}

const haveAnsible = await execa('ansible-inventory', ['--version']).then(
  () => true,
  () => false,
)

void describe('hpc inventory', () => {
  void it('names hosts after the VMs and groups GPU nodes (golden INI and YAML)', async () => {
    const {cluster, section} = await example()
    const inv = buildHpcInventory(cluster, section, access)
    assert.deepEqual(
      inv.hosts.map((h) => h.name),
      ['hpc-cluster-controller', 'hpc-cluster-compute-01', 'hpc-cluster-compute-02'],
    )
    assert.deepEqual(inv.groups.find((g) => g.name === 'hpc_gpu_nodes')?.hosts, ['hpc-cluster-compute-02'])
    golden('hpc-small.ini', toIni(inv))
    golden('hpc-small.yml', toYaml(inv))
  })

  void it('leaves out nodes that do not run and prefers live IPs', async () => {
    const {cluster, section} = await example()
    const live = new Map<string, LiveNode>([
      ['hpc-cluster-controller', {running: true, ip: '192.168.100.10'}],
      ['hpc-cluster-compute-01', {running: true, ip: '192.168.100.99'}],
      ['hpc-cluster-compute-02', {running: false}],
    ])
    const inv = buildHpcInventory(cluster, section, access, live)
    assert.deepEqual(
      inv.hosts.map((h) => [h.name, h.vars.ansible_host]),
      [
        ['hpc-cluster-controller', '192.168.100.10'],
        ['hpc-cluster-compute-01', '192.168.100.99'],
      ],
    )
    assert.equal(inv.groups.find((g) => g.name === 'hpc_gpu_nodes'), undefined)
    assert.deepEqual(inv.groups.find((g) => g.name === 'hpc')?.children, ['hpc_controllers', 'hpc_compute_nodes'])
  })

  void it('refuses control characters, Jinja delimiters and key paths Ansible cannot pass to ssh', async () => {
    const {cluster, section} = await example()
    const bad: [Partial<InventoryAccess>, RegExp][] = [
      [{user: 'debian\nx'}, /SSH user "debian\\nx" contains a control character \(U\+000A\)/],
      [{privateKeyPath: '/keys/id\n[all:vars]\nansible_ssh_common_args=-o ProxyCommand=id'}, /private key path .* control character \(U\+000A\)/],
      [{knownHostsPath: '/out/a\tb/known_hosts'}, /known_hosts path .* control character \(U\+0009\)/],
      [{knownHostsPath: '/out/\u0085/known_hosts'}, /U\+0085/],
      [{user: '{{ lookup("pipe", "id") }}'}, /Jinja delimiter \{\{/],
      [{knownHostsPath: '/out/${HOME}/known_hosts'}, /\$\{/],
      [{privateKeyPath: '/out/100%/id'}, /"%"/],
      [{privateKeyPath: '/out/a"b/id'}, /Ansible passes the key to ssh/],
    ]
    const refused = (run: () => unknown, message: RegExp): void => {
      assert.throws(run, (e: unknown) => {
        assert.ok(e instanceof Error)
        assert.match(e.message, message)
        assert.equal((e as {code?: unknown}).code, 'INVENTORY_UNSAFE_VALUE')
        return true
      })
    }
    for (const [change, message] of bad) refused(() => buildHpcInventory(cluster, section, {...access, ...change}), message)
    const live = new Map<string, LiveNode>([['hpc-cluster-controller', {running: true, ip: '192.168.100.10\n[evil]'}]])
    refused(() => buildHpcInventory(cluster, section, access, live), /hpc-cluster-controller: ansible_host .* control character/)
    const templated = {...section, slurm_config: {...section.slurm_config, max_job_time: '{{ lookup("pipe", "id") }}'}}
    refused(() => buildHpcInventory(cluster, templated, access), /group hpc: slurm_config\.max_job_time .* Jinja delimiter/)
  })

  void it('ansible-inventory reads both forms alike', {skip: haveAnsible ? false : 'ansible-inventory not installed'}, async () => {
    const {cluster, section} = await example()
    const inv = buildHpcInventory(cluster, section, access)
    const dir = mkdtempSync(path.join(tmpdir(), 'aihow-hpcinv-'))
    const lists = []
    for (const [file, text] of [['hosts.ini', toIni(inv)], ['hosts.yml', toYaml(inv)]] as const) {
      writeFileSync(path.join(dir, file), text)
      const {stdout} = await execa('ansible-inventory', ['-i', path.join(dir, file), '--list'], {env: {ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true'}})
      lists.push(JSON.parse(stdout) as {_meta: {hostvars: Record<string, Record<string, unknown>>}; hpc_gpu_nodes: unknown})
    }
    const [ini, yaml] = lists as [(typeof lists)[0], (typeof lists)[0]]
    assert.deepEqual(ini._meta.hostvars, yaml._meta.hostvars)
    assert.deepEqual(ini.hpc_gpu_nodes, {hosts: ['hpc-cluster-compute-02']})
    assert.equal(ini._meta.hostvars['hpc-cluster-compute-02']?.gpu_count, 1)
    assert.deepEqual(ini._meta.hostvars['hpc-cluster-controller']?.slurm_config, {partitions: ['compute', 'gpu'], default_partition: 'compute', max_job_time: '24:00:00'})
  })
})
