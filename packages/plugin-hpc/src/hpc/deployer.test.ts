/** deployHpc with the real ansible-playbook on a local-connection inventory: the recap must cover every host it is given. */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import type {HpcClusterConfig} from '../kind/types.js'
import {deployHpc} from './deployer.js'

const dirs: string[] = []
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, {recursive: true, force: true})))
})

const skip = spawnSync('sh', ['-c', 'command -v ansible-playbook']).status === 0 ? false : 'ansible-playbook is not installed (apt-get install ansible-core)'
const HOSTS = ['lab-controller', 'lab-compute-01']

/** Deploys a playbook of one play on `pattern` against an inventory of HOSTS (local connection). */
async function deploy(pattern: string) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-hpc-deploy-'))
  dirs.push(dir)
  const playbook = path.join(dir, 'site.yml')
  await writeFile(playbook, `- hosts: ${pattern}\n  connection: local\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n`)
  const inventoryPath = path.join(dir, 'inventory.ini')
  await writeFile(inventoryPath, HOSTS.map((h) => `${h} ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n`).join(''))
  const section = {name: 'lab', deploy: {playbook}} as unknown as HpcClusterConfig
  return deployHpc({section, outputDir: dir, inventoryPath, hosts: HOSTS})
}

void describe('deployHpc', {skip, timeout: 120_000}, () => {
  void it('is ok when every host is in the recap', async () => {
    const result = await deploy('all')
    assert.equal(result.ok, true, result.failure)
    assert.equal(result.summary, 'site.yml succeeded on 2 node(s)')
  })

  void it('fails when the play matches no host, though ansible-playbook exits 0, naming every host missing from the recap', async () => {
    const result = await deploy('nobody')
    assert.equal(result.exitCode, 0)
    assert.equal(result.ok, false)
    assert.equal(result.summary, 'site.yml exited 0 but did not deploy every node')
    assert.deepEqual(result.failure?.split('\n  '), HOSTS.map((h) => `${h} is not in the PLAY RECAP: no play ran on it (it matched no host pattern, or the inventory did not list it)`))
  })

  void it('fails when the play reaches only some of the hosts, naming the others', async () => {
    const result = await deploy('lab-controller')
    assert.equal(result.ok, false)
    assert.equal(result.failure, 'lab-compute-01 is not in the PLAY RECAP: no play ran on it (it matched no host pattern, or the inventory did not list it)')
  })
})
