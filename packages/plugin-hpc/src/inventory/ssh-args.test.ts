/**
 * A known_hosts path with spaces, quotes, a backslash and a % must reach ssh as one file name:
 * Ansible splits ansible_ssh_common_args with shlex, then ssh parses each -o word again. And a
 * state folder whose path holds a space and a quote must reach ssh intact from the hpc inventory.
 */
import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'
import {loadConfig} from '@ai-how/core'
import type {ClusterContext} from '@ai-how/core'
import {execa} from 'execa'
import {createHpcInventoryGenerator} from '../hpc/inventory-generator.js'
import {hpcClusterKind} from '../kind/registration.js'
import type {HpcClusterConfig} from '../kind/types.js'
import {FakeHypervisor} from '../vm/testing/fake-hypervisor.js'
import {sshCommonArgs} from './ssh-args.js'
import {ansibleSplit, dashO, sshArgvThroughAnsible, sshConfig, toolAvailable} from './testing/ssh-probe.js'

const havePython = await toolAvailable('python3', ['-c', 'import shlex'])
const haveAnsibleInventory = await toolAvailable('ansible-inventory', ['--version'])
const haveAnsible = await toolAvailable('ansible', ['--version'])
const haveSsh = await toolAvailable('ssh', ['-G', 'example.invalid'])

// Two spaces in a row: `ssh -G` joins a split list with one space, so they show whether ssh split it.
const WEIRD = "/tmp/my  keys/it's 100%h \"q\" back\\slash/known_hosts"
const root = path.resolve(import.meta.dirname, '../../../..')
const CONTROLLER = 'hpc-cluster-controller'

/** `ai-how inventory CONFIG hpc` for examples/hpc-small.yaml with its state file in `stateDir` (no VM exists). */
async function hpcInventory(stateDir: string, format: 'ini' | 'yaml'): Promise<string> {
  const loaded = await loadConfig(path.join(root, 'examples/hpc-small.yaml'), [hpcClusterKind], {AI_HOW_IMAGE_DIR: '/images'})
  const section = loaded.config.clusters.hpc as HpcClusterConfig
  const ctx = {
    kind: 'hpc',
    loaded,
    section,
    cluster: hpcClusterKind.describe(section, loaded),
    statePath: path.join(stateDir, 'state.json'),
    outputDir: stateDir,
    log: {info: () => undefined, debug: () => undefined, warn: () => undefined},
    signal: new AbortController().signal,
    options: {},
    contributions: {},
  } as unknown as ClusterContext
  return createHpcInventoryGenerator(() => new FakeHypervisor()).generate(ctx, {format})
}

/** A state folder whose path holds a space and a single quote (and exists, as it would). */
function oddStateDir(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'aihow-state-')), "my cluster's state")
  mkdirSync(dir)
  return dir
}

void describe('ansible_ssh_common_args quoting', () => {
  void it('quotes the path for ssh (\\ and " escaped, % doubled) and the word for the shell', () => {
    assert.equal(sshCommonArgs('/out/known_hosts'), `-o 'UserKnownHostsFile="/out/known_hosts"' -o StrictHostKeyChecking=yes`)
    assert.equal(sshCommonArgs("/a b/it's"), `-o 'UserKnownHostsFile="/a b/it'\\''s"' -o StrictHostKeyChecking=yes`)
    assert.equal(sshCommonArgs('/a\\b/"c"/50%'), `-o 'UserKnownHostsFile="/a\\\\b/\\"c\\"/50%%"' -o StrictHostKeyChecking=yes`)
  })

  void it('splits like a shell into one UserKnownHostsFile word (python shlex, as Ansible does)', {skip: havePython ? false : 'python3 is not on PATH'}, async () => {
    const words = await ansibleSplit(sshCommonArgs(WEIRD))
    assert.deepEqual(words, ['-o', 'UserKnownHostsFile="/tmp/my  keys/it\'s 100%%h \\"q\\" back\\\\slash/known_hosts"', '-o', 'StrictHostKeyChecking=yes'])
  })

  void it('reaches ssh intact after the shell split', {skip: havePython && haveSsh ? false : 'python3 or ssh is not on PATH'}, async () => {
    const config = await sshConfig(await ansibleSplit(sshCommonArgs(WEIRD)))
    assert.equal(config.get('userknownhostsfile'), WEIRD)
    assert.equal(config.get('stricthostkeychecking'), 'true')
  })
})

void describe('hpc inventory in a state folder with a space and a quote', () => {
  void it('ansible-inventory reads the known_hosts and key paths back intact from both formats', {skip: haveAnsibleInventory ? false : 'ansible-inventory is not on PATH (CI has it)'}, async () => {
    const state = oddStateDir()
    const knownHosts = path.join(state, 'keys', 'hpc-cluster', 'known_hosts')
    for (const format of ['ini', 'yaml'] as const) {
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'aihow-hpcinv-')), format === 'ini' ? 'inventory.ini' : 'inventory.yml')
      writeFileSync(file, await hpcInventory(state, format))
      const {stdout} = await execa('ansible-inventory', ['-i', file, '--list'], {env: {ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True'}})
      const vars = (JSON.parse(stdout) as {_meta: {hostvars: Record<string, Record<string, unknown>>}})._meta.hostvars[CONTROLLER]
      assert.equal(vars?.ansible_ssh_common_args, sshCommonArgs(knownHosts), format)
      assert.equal(vars.ansible_ssh_private_key_file, path.join(state, 'keys', 'hpc-cluster', 'id_ed25519'), format)
    }
  })

  void it('reaches ssh intact through Ansible itself (a fake ssh records the argv)', {skip: haveAnsible && haveSsh ? false : 'ansible or ssh is not on PATH (CI has them)'}, async () => {
    const state = oddStateDir()
    for (const [format, name] of [['ini', 'inventory.ini'], ['yaml', 'inventory.yml']] as const) {
      const argv = await sshArgvThroughAnsible(await hpcInventory(state, format), CONTROLLER, name)
      assert.ok(argv.includes('192.168.100.10'), JSON.stringify(argv))
      const config = await sshConfig(dashO(argv))
      assert.equal(config.get('userknownhostsfile'), path.join(state, 'keys', 'hpc-cluster', 'known_hosts'), format)
      assert.equal(config.get('stricthostkeychecking'), 'true', format)
      assert.equal(config.get('identityfile'), path.join(state, 'keys', 'hpc-cluster', 'id_ed25519'), format)
      assert.equal(config.get('user'), 'debian', format)
    }
  })

})
