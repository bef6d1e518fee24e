import assert from 'node:assert/strict'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'
import {execa} from 'execa'
import {isAiHowError} from '../errors.js'
import type {Inventory} from './model.js'
import {toIni} from './ini.js'
import {toYaml} from './yaml.js'

const inventory: Inventory = {
  hosts: [
    {name: 'lab-controller', vars: {ansible_host: '192.168.100.10', node_role: 'controller', cpu_cores: 2, has_gpu: false}},
    {
      name: 'lab-compute-01',
      vars: {ansible_host: '192.168.100.11', ansible_ssh_common_args: '-o StrictHostKeyChecking=yes -o UserKnownHostsFile=/k h', gpu_count: 1},
    },
  ],
  groups: [
    {name: 'hpc', hosts: [], children: ['hpc_controllers', 'hpc_compute_nodes'], vars: {cluster_name: 'lab', slurm_config: {partitions: ['gpu', 'cpu'], default_partition: 'cpu'}}},
    {name: 'hpc_controllers', hosts: ['lab-controller'], children: [], vars: {}},
    {name: 'hpc_compute_nodes', hosts: ['lab-compute-01'], children: [], vars: {}},
  ],
}

interface Listed {
  _meta: {hostvars: Record<string, Record<string, unknown>>}
  [group: string]: unknown
}

async function ansibleList(text: string, name: string): Promise<Listed> {
  const dir = mkdtempSync(path.join(tmpdir(), 'aihow-inv-'))
  const file = path.join(dir, name)
  writeFileSync(file, text)
  const {stdout} = await execa('ansible-inventory', ['-i', file, '--list'], {env: {ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true'}})
  return JSON.parse(stdout) as Listed
}

const haveAnsible = await execa('ansible-inventory', ['--version']).then(
  () => true,
  () => false,
)

void describe('inventory formats', () => {
  void it('INI lists [all] first, groups sorted, hosts sorted, vars sorted', () => {
    const ini = toIni(inventory)
    const headers = ini.split('\n').filter((l) => l.startsWith('['))
    assert.deepEqual(headers, ['[all]', '[hpc]', '[hpc:children]', '[hpc:vars]', '[hpc_compute_nodes]', '[hpc_controllers]'])
    assert.match(ini, /^lab-compute-01 ansible_host=192\.168\.100\.11 ansible_ssh_common_args='-o StrictHostKeyChecking=yes -o UserKnownHostsFile=\/k h' gpu_count=1$/m)
    assert.ok(ini.endsWith('\n') && !ini.endsWith('\n\n'))
  })

  void it('YAML has no anchors and maps (not lists) for hosts and children', () => {
    const yaml = toYaml(inventory)
    assert.doesNotMatch(yaml, /[&*]id\d+/)
    assert.match(yaml, /children:\n\s+hpc:\n\s+children:\n\s+hpc_compute_nodes: null/)
  })

  void it('rejects a group that names an unknown host', () => {
    assert.throws(() => toIni({hosts: [], groups: [{name: 'g', hosts: ['ghost'], children: [], vars: {}}]}), /unknown host ghost/)
  })

  void it('INI refuses a control character in a var value, a host name or a group name, and returns nothing', () => {
    const forged = '/keys/id\n[all:vars]\nansible_ssh_common_args=-o ProxyCommand=touch /tmp/pwned'
    const withVar = (vars: Record<string, string | string[]>): Inventory => ({...inventory, hosts: inventory.hosts.map((h, i) => (i === 0 ? {...h, vars: {...h.vars, ...vars}} : h))})
    const refused = (inv: Inventory, message: RegExp): void => {
      let text: string | undefined
      assert.throws(
        () => {
          text = toIni(inv)
        },
        (e: unknown) => {
          assert.ok(isAiHowError(e), String(e))
          assert.equal(e.code, 'INVENTORY_UNSAFE_VALUE')
          assert.equal(e.exitCode, 2)
          assert.match(e.message, message)
          assert.doesNotMatch(e.message, /\n/)
          return true
        },
      )
      assert.equal(text, undefined)
    }
    refused(withVar({ansible_ssh_private_key_file: forged}), /^Host lab-controller: ansible_ssh_private_key_file "\/keys\/id\\n\[all:vars\]\\nansible_ssh_common_args=-o ProxyCommand=touch \/tmp\/pwned" contains U\+000A \(line feed\) at character 9/)
    refused(withVar({list: ['ok', 'a\u2028b']}), /Host lab-controller: list\[1\] "a\\u2028b" contains U\+2028 \(line separator\)/)
    refused(withVar({cmdline: 'quiet\u0085x'}), /U\+0085 \(next line\)/)
    refused({...inventory, hosts: [...inventory.hosts, {name: 'evil\rhost', vars: {}}]}, /^The host name "evil\\rhost" contains U\+000D \(carriage return\)/)
    refused({...inventory, groups: [...inventory.groups, {name: 'g\tx', hosts: [], children: [], vars: {}}]}, /^The group name "g\\tx" contains U\+0009 \(tab\)/)
    refused({...inventory, groups: [{...inventory.groups[0], vars: {cluster_name: 'lab', x: 'a\u007f'}} as Inventory['groups'][0], ...inventory.groups.slice(1)]}, /^Group hpc: x "a\\u007f" contains U\+007F \(delete\)/)
  })

  void it('both forms read the same in ansible-inventory', {skip: haveAnsible ? false : 'ansible-inventory not installed'}, async () => {
    const fromIni = await ansibleList(toIni(inventory), 'hosts.ini')
    const fromYaml = await ansibleList(toYaml(inventory), 'hosts.yml')
    for (const listed of [fromIni, fromYaml]) {
      assert.deepEqual(listed.hpc, {children: ['hpc_compute_nodes', 'hpc_controllers']})
      assert.equal(listed._meta.hostvars['lab-compute-01']?.ansible_ssh_common_args, '-o StrictHostKeyChecking=yes -o UserKnownHostsFile=/k h')
      assert.equal(listed._meta.hostvars['lab-controller']?.cpu_cores, 2)
      assert.deepEqual(listed._meta.hostvars['lab-controller'].slurm_config, {partitions: ['gpu', 'cpu'], default_partition: 'cpu'})
    }
  })
})
