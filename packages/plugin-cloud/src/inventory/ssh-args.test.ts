/**
 * The cloud inventory's SSH paths (known_hosts with spaces, quotes, a backslash and a %; a key path
 * with spaces and a quote) reach ssh as one file name each. The quoting itself (sshCommonArgs) is
 * plugin-hpc's, shared by both kinds, and tested there.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {toIni, toYaml} from '@ai-how/core'
import {sshCommonArgs} from '@ai-how/plugin-hpc'
import {dashO, sshArgvThroughAnsible, sshConfig, toolAvailable} from '@ai-how/plugin-hpc/testing'
import {buildCloudInventory} from './cloud-inventory.js'
import {access, ansibleList, example} from './test-support.js'

const haveAnsible = await toolAvailable('ansible-inventory', ['--version'])
const haveAnsibleAdhoc = await toolAvailable('ansible', ['--version'])
const haveSsh = await toolAvailable('ssh', ['-G', 'example.invalid'])

// Two spaces in a row: `ssh -G` joins a split list with one space, so they show whether ssh split it.
const WEIRD = "/tmp/my  keys/it's 100%h \"q\" back\\slash/known_hosts"
const KEY = "/tmp/my  keys/it's/id_ed25519"
const CP = 'cloud-cluster-control-plane'

void describe('cloud inventory: ansible_ssh_common_args and the key path', () => {
  void it('survive both inventory formats in ansible-inventory', {skip: haveAnsible ? false : 'ansible-inventory is not on PATH (CI has it)'}, async () => {
    const ex = await example()
    const inv = buildCloudInventory(ex.cluster, ex.section, {...access, knownHostsPath: WEIRD, privateKeyPath: KEY})
    for (const [text, name] of [[toIni(inv), 'inventory.ini'], [toYaml(inv), 'inventory.yml']] as const) {
      const vars = (await ansibleList(text, name))._meta.hostvars[CP]
      assert.equal(vars?.ansible_ssh_common_args, sshCommonArgs(WEIRD), name)
      assert.equal(vars.ansible_ssh_private_key_file, KEY, name)
    }
  })

  void it('reach ssh intact through Ansible itself (a fake ssh records the argv)', {skip: haveAnsibleAdhoc && haveSsh ? false : 'ansible or ssh is not on PATH (CI has them)'}, async () => {
    const ex = await example()
    const argv = await sshArgvThroughAnsible(toIni(buildCloudInventory(ex.cluster, ex.section, {...access, knownHostsPath: WEIRD, privateKeyPath: KEY})), CP)
    assert.ok(argv.includes('192.168.200.10'))
    const config = await sshConfig(dashO(argv))
    assert.equal(config.get('userknownhostsfile'), WEIRD)
    assert.equal(config.get('stricthostkeychecking'), 'true')
    assert.equal(config.get('identityfile'), KEY)
    assert.equal(config.get('user'), 'debian')
  })
})
