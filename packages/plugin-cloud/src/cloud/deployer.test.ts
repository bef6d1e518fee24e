/**
 * deployCloud with the real ansible-playbook on a local-connection inventory: the recap must cover
 * the hosts the manager gives (the nodes that run, auto_start: false ones started by hand included),
 * not merely the nodes that start with the cluster.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import type {ClusterContext} from '@ai-how/core'
import {example} from '../inventory/test-support.js'
import {deployCloud} from './deployer.js'

const dirs: string[] = []
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, {recursive: true, force: true})))
})

const skip = spawnSync('sh', ['-c', 'command -v ansible-playbook']).status === 0 ? false : 'ansible-playbook is not installed (apt-get install ansible-core)'
const CP = 'cloud-cluster-control-plane'
const CPU = 'cloud-cluster-cpu-worker-01'
const GPU = 'cloud-cluster-gpu-worker-01'

/** Deploys a playbook of one play on `pattern` against a local inventory of CP, CPU and GPU (the GPU worker has auto_start: false). */
async function deploy(pattern: string, hosts?: string[]) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-cloud-deploy-'))
  dirs.push(dir)
  const playbook = path.join(dir, 'site.yml')
  await writeFile(playbook, `- hosts: "${pattern}"\n  connection: local\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n`)
  const inventory = path.join(dir, 'inventory.ini')
  await writeFile(inventory, [CP, CPU, GPU].map((h) => `${h} ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n`).join(''))
  const ex = await example((s) => {
    s.kubernetes_config.playbook = playbook
  })
  const ctx = {kind: 'cloud', loaded: ex.loaded, section: ex.section, cluster: ex.cluster, outputDir: dir, signal: new AbortController().signal} as unknown as ClusterContext
  return deployCloud(ctx, inventory, hosts === undefined ? {} : {hosts})
}

void describe('deployCloud', {skip, timeout: 120_000}, () => {
  void it('fails when a running host the manager names is missing from the recap, even one with auto_start: false', async () => {
    const result = await deploy(`all:!${GPU}`, [CP, CPU, GPU])
    assert.equal(result.exitCode, 0)
    assert.equal(result.ok, false)
    assert.equal(result.failure, `${GPU} is not in the PLAY RECAP: no play ran on it (it matched no host pattern, or the inventory did not list it)`)
  })

  void it('is ok when every host the manager names is in the recap', async () => {
    const result = await deploy(`all:!${GPU}`, [CP, CPU])
    assert.equal(result.ok, true, result.failure)
    assert.match(result.summary, /succeeded on 2 node\(s\)$/)
  })

  void it('without hosts from the manager, expects the nodes that start with the cluster', async () => {
    const result = await deploy(CP)
    assert.equal(result.ok, false)
    assert.equal(result.failure, `${CPU} is not in the PLAY RECAP: no play ran on it (it matched no host pattern, or the inventory did not list it)`)
  })
})
