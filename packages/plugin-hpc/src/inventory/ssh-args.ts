/**
 * How Ansible reaches a cluster's VMs over SSH (either kind): the login user, the cluster key and
 * the per-cluster known_hosts, the latter two below the state folder, whose path may hold spaces
 * and quotes. `ansible_ssh_common_args` is quoted so that the path reaches ssh intact; what cannot
 * be passed safely is refused, naming the value.
 */
import {shellQuote} from '../ssh/exec.js'
import type {InventoryAccess} from './hpc-inventory.js'
import {assertInventoryValue, unsafeValueError} from './safe-values.js'

const SSH_PATH_ACTIONS = ['Put the state file (--state) in a folder whose path has no such characters: the keys and known_hosts live next to it.']

/**
 * `ansible_ssh_common_args`: Ansible splits it like a POSIX shell (shlex), then ssh parses each
 * `-o` word again (quotes and backslashes, `%` tokens). So the known_hosts path is double-quoted
 * for ssh (`\`, `"` escaped, `%` doubled) and the whole word single-quoted for the shell.
 */
export function sshCommonArgs(knownHostsPath: string): string {
  if (knownHostsPath.includes('${')) throw unsafeValueError('The known_hosts path', knownHostsPath, 'the sequence ${ (ssh expands it as an environment variable)', SSH_PATH_ACTIONS)
  const forSsh = `"${knownHostsPath.replace(/[\\"]/g, (c) => `\\${c}`).replaceAll('%', '%%')}"`
  return `-o ${shellQuote([`UserKnownHostsFile=${forSsh}`])} -o StrictHostKeyChecking=yes`
}

/** Ansible hands the key to ssh as `-o IdentityFile="PATH"` without escaping anything. */
export function assertKeyPath(keyPath: string): void {
  const bad = /["\\%]|\$\{/.exec(keyPath)
  if (bad) {
    throw unsafeValueError('The SSH private key path', keyPath, `${JSON.stringify(bad[0])} (Ansible passes the key to ssh as IdentityFile="PATH" unescaped, and ssh expands % and \${})`, [
      'Set ssh.private_key_path in the config to a key whose path has none of " \\ % ${, or move the state file (--state) to such a folder.',
    ])
  }
}

/** Throws INVENTORY_UNSAFE_VALUE when the user, the key path or the known_hosts path cannot go into an inventory. */
export function assertInventoryAccess(access: InventoryAccess): void {
  assertInventoryValue('The SSH user', access.user, ['Fix ssh.user in the config.'])
  assertInventoryValue('The SSH private key path', access.privateKeyPath, ['Fix ssh.private_key_path in the config, or move the state file (--state) to another folder.'])
  assertInventoryValue('The known_hosts path', access.knownHostsPath, SSH_PATH_ACTIONS)
  assertKeyPath(access.privateKeyPath)
}
