/**
 * The shipped Slurm playbook: found inside the package (never upward), and its slurm.conf and
 * gres.conf templates rendered by Ansible's own `template` module against a local inventory with the
 * facts a deploy gathers (no GPU here: the GPU node's fields are checked on the rendered text).
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {hasCode} from '@ai-how/core'
import {builtinPlaybookPath} from './playbooks-dir.js'

const packageRoot = path.resolve(import.meta.dirname, '..')
const scratch = mkdtempSync(path.join(tmpdir(), 'ai-how-playbooks-'))
after(() => { rmSync(scratch, {recursive: true, force: true}) })

const INVENTORY = `lab-controller ansible_host=10.0.0.10
lab-compute-01 ansible_host=10.0.0.11 ansible_processor_vcpus=2 ansible_memtotal_mb=1967
lab-compute-02 ansible_host=10.0.0.12 ansible_processor_vcpus=4 ansible_memtotal_mb=7950 gpu_count=2
`

/** Renders playbooks/<name> with ansible's template module on localhost; returns the text. */
function render(name: string, vars: Record<string, unknown>): string {
  const inv = path.join(scratch, 'inventory.ini')
  writeFileSync(inv, INVENTORY)
  const varsFile = path.join(scratch, 'vars.json')
  writeFileSync(varsFile, JSON.stringify(vars))
  const dest = path.join(scratch, `${name}.out`)
  const src = path.join(path.dirname(builtinPlaybookPath()), name)
  const r = spawnSync('ansible', ['localhost', '-i', inv, '-c', 'local', '-m', 'ansible.builtin.template', '-a', `src=${src} dest=${dest}`, '-e', `@${varsFile}`], {encoding: 'utf8', env: {...process.env, ANSIBLE_LOCALHOST_WARNING: 'false'}})
  assert.equal(r.status, 0, r.stdout + r.stderr)
  return readFileSync(dest, 'utf8')
}

const base = {cluster_name: 'lab', slurm_controller: 'lab-controller', slurm_computes: ['lab-compute-01', 'lab-compute-02'], slurm_config: {partitions: ['compute', 'debug'], default_partition: 'compute', max_job_time: '24:00:00'}}

void describe('the shipped Slurm playbook', () => {
  void it('is <package root>/playbooks/slurm.yml, with its templates beside it', () => {
    assert.equal(builtinPlaybookPath(), path.join(packageRoot, 'playbooks', 'slurm.yml'))
    assert.equal(builtinPlaybookPath(path.join(packageRoot, 'dist')), builtinPlaybookPath())
  })

  void it('fails with PLAYBOOK_NOT_FOUND when the package has none, even with a playbooks/ folder higher up', () => {
    mkdirSync(path.join(scratch, 'playbooks'), {recursive: true})
    writeFileSync(path.join(scratch, 'playbooks', 'slurm.yml'), '[]\n')
    mkdirSync(path.join(scratch, 'lib', 'pkg', 'dist'), {recursive: true})
    assert.throws(() => builtinPlaybookPath(path.join(scratch, 'lib', 'pkg', 'dist')), (e) => hasCode(e, 'PLAYBOOK_NOT_FOUND'))
  })

  void it('slurm.conf: cluster, controller, a NodeName line per compute node from its facts, partitions with the default and MaxTime', () => {
    const text = render('slurm.conf.j2', {...base, slurm_gpu_nodes: []})
    assert.match(text, /^ClusterName=lab$/m)
    assert.match(text, /^SlurmctldHost=lab-controller\(10\.0\.0\.10\)$/m)
    assert.match(text, /^NodeName=lab-compute-01 NodeAddr=10\.0\.0\.11 CPUs=2 RealMemory=1967 State=UNKNOWN$/m)
    assert.match(text, /^NodeName=lab-compute-02 NodeAddr=10\.0\.0\.12 CPUs=4 RealMemory=7950 Gres=gpu:2 State=UNKNOWN$/m)
    assert.match(text, /^PartitionName=compute Nodes=ALL Default=YES MaxTime=24:00:00 State=UP$/m)
    assert.match(text, /^PartitionName=debug Nodes=ALL Default=NO MaxTime=24:00:00 State=UP$/m)
    assert.doesNotMatch(text, /GresTypes/, 'no GPU node in the inventory groups: no GresTypes')
    assert.doesNotMatch(text, /NodeName=lab-controller/)
  })

  void it('gres.conf and GresTypes for the GPU nodes; MaxTime INFINITE without max_job_time', () => {
    const conf = render('slurm.conf.j2', {...base, slurm_config: {partitions: ['compute'], default_partition: 'compute'}, slurm_gpu_nodes: ['lab-compute-02']})
    assert.match(conf, /^GresTypes=gpu$/m)
    assert.match(conf, /MaxTime=INFINITE/)
    const gres = render('gres.conf.j2', {...base, slurm_gpu_nodes: ['lab-compute-02']})
    assert.deepEqual(gres.split('\n').filter((l) => !l.startsWith('#') && l !== ''), ['NodeName=lab-compute-02 Name=gpu File=/dev/nvidia[0-1]'])
  })
})
