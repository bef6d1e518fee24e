/**
 * A known_hosts path with spaces, quotes, a backslash and a % must reach ssh as one file name:
 * Ansible splits ansible_ssh_common_args with shlex, then ssh parses each -o word again.
 */
import assert from 'node:assert/strict'
import {chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {toIni, toYaml} from '@ai-how/core'
import {buildCloudInventory, sshCommonArgs} from './cloud-inventory.js'
import {access, ansibleList, ansibleSplit, available, example, run, tempDir} from './test-support.js'

const havePython = await available('python3', ['-c', 'import shlex'])
const haveAnsible = await available('ansible-inventory', ['--version'])
const haveAnsibleAdhoc = await available('ansible', ['--version'])
const haveSsh = await available('ssh', ['-G', 'example.invalid'])

// Two spaces in a row: `ssh -G` joins a split list with one space, so they show whether ssh split it.
const WEIRD = "/tmp/my  keys/it's 100%h \"q\" back\\slash/known_hosts"
const CP = 'cloud-cluster-control-plane'

/** `ssh -G` for these -o options: what ssh would use, one `key value` line each. */
async function sshConfig(options: string[]): Promise<Map<string, string>> {
  const {stdout} = await run('ssh', ['-G', ...options, 'example.invalid'], {env: {...process.env, HOME: tempDir('aihow-sshhome-')}})
  return new Map(
    stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l): [string, string] => {
        const at = l.indexOf(' ')
        return [l.slice(0, at), l.slice(at + 1)]
      }),
  )
}

/** The -o options of an argv (ssh's own, as Ansible built them). */
function dashO(argv: string[]): string[] {
  return argv.flatMap((a, i) => (a === '-o' && argv[i + 1] !== undefined ? ['-o', argv[i + 1] ?? ''] : []))
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

  void it('survives both inventory formats in ansible-inventory', {skip: haveAnsible ? false : 'ansible-inventory is not on PATH (CI has it)'}, async () => {
    const ex = await example()
    const inv = buildCloudInventory(ex.cluster, ex.section, {...access, knownHostsPath: WEIRD, privateKeyPath: "/tmp/my  keys/it's/id_ed25519"})
    for (const [text, name] of [[toIni(inv), 'inventory.ini'], [toYaml(inv), 'inventory.yml']] as const) {
      const vars = (await ansibleList(text, name))._meta.hostvars[CP]
      assert.equal(vars?.ansible_ssh_common_args, sshCommonArgs(WEIRD), name)
      assert.equal(vars.ansible_ssh_private_key_file, "/tmp/my  keys/it's/id_ed25519", name)
    }
  })

  void it('reaches ssh intact through Ansible itself (a fake ssh records the argv)', {skip: haveAnsibleAdhoc && haveSsh ? false : 'ansible or ssh is not on PATH (CI has them)'}, async () => {
    const dir = tempDir('aihow-fakessh-')
    const argvDir = path.join(dir, 'argv')
    mkdirSync(argvDir)
    const fake = path.join(dir, 'fake-ssh')
    writeFileSync(fake, `#!/bin/sh\nf=$(mktemp "${argvDir}/call.XXXXXX")\nprintf '%s\\0' "$@" > "$f"\necho 'fake ssh: no connection' >&2\nexit 255\n`)
    chmodSync(fake, 0o755)
    const keyPath = "/tmp/my  keys/it's/id_ed25519"
    const ex = await example()
    const inventory = path.join(dir, 'inventory.ini')
    writeFileSync(inventory, toIni(buildCloudInventory(ex.cluster, ex.section, {...access, knownHostsPath: WEIRD, privateKeyPath: keyPath})))
    const env = {...process.env, ANSIBLE_SSH_EXECUTABLE: fake, ANSIBLE_LOCAL_TEMP: path.join(dir, 'tmp'), ANSIBLE_SSH_RETRIES: '0', ANSIBLE_CONFIG: path.join(dir, 'none.cfg')}
    await run('ansible', [CP, '-i', inventory, '-m', 'ping'], {env}).catch(() => undefined)
    const calls = readdirSync(argvDir).map((f) => readFileSync(path.join(argvDir, f), 'utf8').split('\0').slice(0, -1))
    const argv = calls.find((c) => c.some((a) => a.startsWith('UserKnownHostsFile=')))
    assert.ok(argv, `no ssh call with UserKnownHostsFile among ${JSON.stringify(calls)}`)
    assert.ok(argv.includes('192.168.200.10'))
    const config = await sshConfig(dashO(argv))
    assert.equal(config.get('userknownhostsfile'), WEIRD)
    assert.equal(config.get('stricthostkeychecking'), 'true')
    assert.equal(config.get('identityfile'), keyPath)
    assert.equal(config.get('user'), 'debian')
  })
})
