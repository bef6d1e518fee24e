/**
 * The typed view model of a VM's NoCloud seed, validated before anything is rendered: a value that
 * reaches a template is already known to be a safe hostname, user name, MAC, instance id or key.
 */
import {ConfigError} from '@ai-how/core'

/** cloud-init's default user on Debian cloud images. */
export const DEFAULT_SEED_USER = 'debian'

export interface SeedInput {
  hostname: string
  /** Default: the hostname. */
  fqdn?: string
  /** The login user that gets the keys and passwordless sudo (default 'debian'). */
  user?: string
  /** authorized_keys lines, e.g. the cluster key pair's publicKey. */
  sshAuthorizedKeys: readonly string[]
  /**
   * Unique per VM creation and stable for the VM's life (use the domain UUID): cloud-init runs its
   * first-boot steps (user, keys, host keys) again whenever the instance id changes.
   */
  instanceId: string
  /** The MAC of the VM's NIC; network-config matches the interface by it. */
  macAddress: string
}

export interface SeedView {
  hostname: string
  fqdn: string
  user: string
  sshAuthorizedKeys: string[]
  instanceId: string
  macAddress: string
}

const HOSTNAME = /^(?=.{1,63}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i
const FQDN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i
const USER = /^[a-z_][a-z0-9_-]{0,31}$/
const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i
const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/
const PUBLIC_KEY = /^(ssh-[a-z0-9-]+|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9@.-]+) [A-Za-z0-9+/]+={0,3}( [\x20-\x7e]*)?$/

/** Checks and completes a seed input; throws ConfigError SEED_INVALID naming the bad field. */
export function seedView(input: SeedInput): SeedView {
  const user = input.user ?? DEFAULT_SEED_USER
  check('hostname', input.hostname, HOSTNAME, 'a host name: letters, digits and "-", at most 63 characters')
  check('fqdn', input.fqdn ?? input.hostname, FQDN, 'a domain name made of host-name labels joined by "."')
  check('user', user, USER, 'a Linux user name: lowercase letters, digits, "_" and "-", starting with a letter or "_"')
  check('macAddress', input.macAddress, MAC, 'a MAC address such as 52:54:00:12:34:56')
  check('instanceId', input.instanceId, INSTANCE_ID, 'letters, digits, ".", "_", ":" and "-" (a UUID fits)')
  if (input.sshAuthorizedKeys.length === 0) fail('sshAuthorizedKeys', 'at least one public key is needed, or nobody can log in')
  for (const key of input.sshAuthorizedKeys) check('sshAuthorizedKeys', key.trim(), PUBLIC_KEY, 'one OpenSSH public key line: "<type> <base64> [comment]"')
  return {
    hostname: input.hostname,
    fqdn: input.fqdn ?? input.hostname,
    user,
    sshAuthorizedKeys: input.sshAuthorizedKeys.map((k) => k.trim()),
    instanceId: input.instanceId,
    macAddress: input.macAddress.toLowerCase(),
  }
}

function check(field: string, value: string, pattern: RegExp, expected: string): void {
  if (!pattern.test(value)) fail(field, `${JSON.stringify(value)} is not ${expected}`)
}

function fail(field: string, reason: string): never {
  throw new ConfigError(`invalid cloud-init seed value ${field}: ${reason}`, {
    code: 'SEED_INVALID',
    actions: [field === 'user' ? 'Set ssh.user to a valid Linux user name.' : `Fix ${field}: ${reason}.`],
  })
}
