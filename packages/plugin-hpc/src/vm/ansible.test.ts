/** runPlaybook with the real ansible-playbook on a local-connection playbook: output streamed to the log, recap, exit status. */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtemp, readFile, readdir, rm, stat, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {runPlaybook} from './ansible.js'
import {recapProblems} from './recap.js'

const dirs: string[] = []
after(async () => { await Promise.all(dirs.map((d) => rm(d, {recursive: true, force: true}))) })

const skip = spawnSync('sh', ['-c', 'command -v ansible-playbook']).status === 0 ? false : 'ansible-playbook is not installed (apt-get install ansible-core)'

async function playbook(dir: string, task: string): Promise<{playbook: string; inventory: string}> {
  const file = path.join(dir, 'site.yml')
  await writeFile(file, `- hosts: all\n  connection: local\n  gather_facts: false\n  tasks:\n    - name: the task\n      ${task}\n`)
  const inventory = path.join(dir, 'inventory.ini')
  await writeFile(inventory, 'local ansible_python_interpreter=/usr/bin/python3\n')
  return {playbook: file, inventory}
}

void describe('runPlaybook', {skip, timeout: 120_000}, () => {
  void it('streams every line to the log and the callback, and returns the recap of a successful run', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-ansible-'))
    dirs.push(dir)
    const lines: string[] = []
    const result = await runPlaybook({...(await playbook(dir, 'ansible.builtin.debug: {msg: "{{ marker }}"}')), logFile: path.join(dir, 'logs', 'deploy.log'), extraVars: {marker: 'hello-from-extra-vars'}, onLine: (l) => lines.push(l)})
    assert.equal(result.ok, true)
    assert.equal(result.exitCode, 0)
    assert.match(result.recap.join('\n'), /^local\s*: ok=1\s+changed=0\s+unreachable=0\s+failed=0/)
    const log = await readFile(result.logFile, 'utf8')
    assert.match(log, /hello-from-extra-vars/)
    assert.ok(lines.some((l) => l.includes('hello-from-extra-vars')))
  })

  void it('reports a failing task as not ok with its exit status, naming the task and host', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-ansible-'))
    dirs.push(dir)
    const result = await runPlaybook({...(await playbook(dir, 'ansible.builtin.fail: {msg: "broken on purpose"}')), logFile: path.join(dir, 'deploy.log')})
    assert.equal(result.ok, false)
    assert.equal(result.exitCode, 2)
    assert.match(result.recap.join('\n'), /failed=1/)
    assert.deepEqual(result.failures, ['task "the task" failed on local: broken on purpose'])
    assert.match(await readFile(result.logFile, 'utf8'), /broken on purpose/)
  })

  void it('keeps extra vars (passwords) out of the log and the command line: a 0600 file, removed afterwards; the log is 0600 in a 0700 folder', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-ansible-'))
    dirs.push(dir)
    const before = new Set(await readdir(os.tmpdir()))
    const result = await runPlaybook({...(await playbook(dir, 'ansible.builtin.assert: {that: [secret == "s3cr3t-value"]}')), logFile: path.join(dir, 'logs', 'deploy.log'), extraVars: {secret: 's3cr3t-value'}})
    assert.equal(result.ok, true)
    const log = await readFile(result.logFile, 'utf8')
    assert.doesNotMatch(log, /s3cr3t-value/)
    assert.match(log, /--extra-vars @\S+ .*extra vars: not logged/)
    assert.equal(((await stat(result.logFile)).mode & 0o777).toString(8), '600')
    assert.equal(((await stat(path.dirname(result.logFile))).mode & 0o777).toString(8), '700')
    assert.deepEqual((await readdir(os.tmpdir())).filter((n) => !before.has(n) && n.startsWith('ai-how-vars-')), [], 'the vars file is gone')
  })

  void it('fails when the inventory does not parse, instead of running against no host', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-ansible-'))
    dirs.push(dir)
    const {playbook: file} = await playbook(dir, 'ansible.builtin.debug: {msg: hi}')
    const inventory = path.join(dir, 'broken.yml')
    await writeFile(inventory, 'all: [this is: not an inventory\n')
    const result = await runPlaybook({playbook: file, inventory, logFile: path.join(dir, 'deploy.log')})
    assert.equal(result.ok, false)
  })
})

void describe('recapProblems', () => {
  const recap = ['a : ok=3 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0', 'b : ok=0 changed=0 unreachable=1 failed=0 skipped=0', 'c : ok=2 changed=0 unreachable=0 failed=1 skipped=0', 'd : ok=0 changed=0 unreachable=0 failed=0 skipped=4']
  void it('names each expected host that is missing, unreachable, failed or only skipped', () => {
    assert.deepEqual(recapProblems(recap, ['a', 'b', 'c', 'd', 'e']), [
      'b was unreachable',
      'c had 1 failed task(s)',
      'd ran no task (every task was skipped)',
      'e is not in the PLAY RECAP: no play ran on it (it matched no host pattern, or the inventory did not list it)',
    ])
    assert.deepEqual(recapProblems(recap, ['a']), [])
  })
})
