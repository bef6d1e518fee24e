/** runPlaybook with the real ansible-playbook on a local-connection playbook: output streamed to the log, recap, exit status. */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {runPlaybook} from './ansible.js'

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

  void it('reports a failing task as not ok with its exit status', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-ansible-'))
    dirs.push(dir)
    const result = await runPlaybook({...(await playbook(dir, 'ansible.builtin.fail: {msg: "broken on purpose"}')), logFile: path.join(dir, 'deploy.log')})
    assert.equal(result.ok, false)
    assert.equal(result.exitCode, 2)
    assert.match(result.recap.join('\n'), /failed=1/)
    assert.match(await readFile(result.logFile, 'utf8'), /broken on purpose/)
  })
})
