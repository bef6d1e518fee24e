/**
 * Test support (exported for the tests of every kind, not used at runtime): what ssh would really
 * get from an inventory. `ansibleSplit` splits ansible_ssh_common_args as Ansible does (Python
 * shlex), `sshConfig` asks `ssh -G` what options a list of `-o` words sets, and
 * `sshArgvThroughAnsible` runs Ansible itself against an inventory with a fake ssh that records
 * its argv (no connection is made).
 */
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import type {Options} from 'execa'

/** execa, imported when a probe runs (this module is reachable from the package's index). */
async function execa(file: string, args: string[], options: Options = {}): Promise<{stdout: string}> {
  const {execa: run} = await import('execa')
  const {stdout} = await run(file, args, options)
  return {stdout: typeof stdout === 'string' ? stdout : ''}
}

/** Whether `command args` runs (to skip a test when a tool is missing). */
export async function toolAvailable(command: string, args: string[]): Promise<boolean> {
  return execa(command, args).then(
    () => true,
    () => false,
  )
}

function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix))
}

/** How Ansible's ssh connection splits ansible_ssh_common_args (ConnectionBase._split_ssh_args). */
export async function ansibleSplit(args: string): Promise<string[]> {
  const code = 'import json, shlex, sys\nprint(json.dumps([x.strip() for x in shlex.split(sys.argv[1]) if x.strip()]))'
  const {stdout} = await execa('python3', ['-c', code, args])
  return JSON.parse(stdout) as string[]
}

/** `ssh -G` for these options: what ssh would use, by lowercase option name. */
export async function sshConfig(options: string[]): Promise<Map<string, string>> {
  const {stdout} = await execa('ssh', ['-G', ...options, 'example.invalid'], {env: {HOME: tempDir('aihow-sshhome-')}})
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
export function dashO(argv: readonly string[]): string[] {
  return argv.flatMap((a, i) => (a === '-o' && argv[i + 1] !== undefined ? ['-o', argv[i + 1] ?? ''] : []))
}

/**
 * Runs `ansible HOST -m ping` against `inventoryText` (written as `name`) with a fake ssh, and
 * returns the argv of its ssh call that carries UserKnownHostsFile (throws when there is none).
 */
export async function sshArgvThroughAnsible(inventoryText: string, host: string, name = 'inventory.ini'): Promise<string[]> {
  const dir = tempDir('aihow-fakessh-')
  const argvDir = path.join(dir, 'argv')
  mkdirSync(argvDir)
  const fake = path.join(dir, 'fake-ssh')
  writeFileSync(fake, `#!/bin/sh\nf=$(mktemp "${argvDir}/call.XXXXXX")\nprintf '%s\\0' "$@" > "$f"\necho 'fake ssh: no connection' >&2\nexit 255\n`)
  chmodSync(fake, 0o755)
  const inventory = path.join(dir, name)
  writeFileSync(inventory, inventoryText)
  const env = {ANSIBLE_SSH_EXECUTABLE: fake, ANSIBLE_LOCAL_TEMP: path.join(dir, 'tmp'), ANSIBLE_SSH_RETRIES: '0', ANSIBLE_CONFIG: path.join(dir, 'none.cfg'), ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True'}
  await execa('ansible', [host, '-i', inventory, '-m', 'ping'], {env, reject: false})
  const calls = readdirSync(argvDir).map((f) => readFileSync(path.join(argvDir, f), 'utf8').split('\0').slice(0, -1))
  const argv = calls.find((c) => c.some((a) => a.startsWith('UserKnownHostsFile=')))
  if (argv === undefined) throw new Error(`no ssh call with UserKnownHostsFile among ${JSON.stringify(calls)}`)
  return argv
}
