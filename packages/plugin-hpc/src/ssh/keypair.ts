/**
 * The SSH key pair a cluster's VMs trust. When the config names no `ssh.private_key_path`, ai-how
 * generates an ed25519 pair once under `<output>/keys/<cluster>/id_ed25519{,.pub}` (OpenSSH format,
 * private key 0600) and reuses it afterwards; a user-given key is loaded and checked the same way.
 * Generation uses ssh2's `utils.generateKeyPairSync`, which draws the key from node:crypto and
 * writes the OpenSSH formats that ssh2, ssh and Ansible all read.
 */
import {randomBytes} from 'node:crypto'
import {chmod, link, mkdir, readFile, stat, unlink, writeFile} from 'node:fs/promises'
import path from 'node:path'
import type {ParsedKey} from 'ssh2'
import {ConfigError} from '@ai-how/core'
import {ssh2} from '../lazy-modules.js'
import {assertClusterName} from '../naming/index.js'

export interface SshKeyPair {
  privateKeyPath: string
  /** The `.pub` file next to the private key, when there is one. */
  publicKeyPath?: string
  /** The private key file's text (OpenSSH or PEM). */
  privateKey: string
  /** One authorized_keys line: `<type> <base64> [comment]`. */
  publicKey: string
}

/** Where the generated key pair of a cluster lives. */
export function clusterKeyPath(outputDir: string, clusterName: string): string {
  return path.join(outputDir, 'keys', assertClusterName(clusterName), 'id_ed25519')
}

/** The cluster's generated key pair: created on the first call, loaded on every later one. */
export async function ensureClusterKeyPair(outputDir: string, clusterName: string): Promise<SshKeyPair> {
  return (await ensureKeyPairAt(clusterKeyPath(outputDir, clusterName), `ai-how@${clusterName}`)).pair
}

/**
 * The ed25519 key pair at `privateKeyPath` (private 0600, `.pub` next to it): generated when absent
 * (`created: true` when this call wrote it), loaded and checked otherwise.
 */
export async function ensureKeyPairAt(privateKeyPath: string, comment: string): Promise<{pair: SshKeyPair; created: boolean}> {
  const created = !(await exists(privateKeyPath)) && (await generateKeyPair(privateKeyPath, comment))
  if (!created) await chmod(privateKeyPath, 0o600)
  return {pair: await loadKeyPair(privateKeyPath), created}
}

/** Loads a private key (unencrypted) and its public half, from `<key>.pub` or derived from the key. */
export async function loadKeyPair(privateKeyPath: string): Promise<SshKeyPair> {
  const privateKey = await readKeyFile(privateKeyPath)
  const parsed = parseOne(privateKey, privateKeyPath)
  await assertPrivateMode(privateKeyPath)
  const derived = `${parsed.type} ${parsed.getPublicSSH().toString('base64')}`
  const publicKeyPath = `${privateKeyPath}.pub`
  if (!(await exists(publicKeyPath))) {
    return {privateKeyPath, privateKey, publicKey: parsed.comment === '' ? derived : `${derived} ${parsed.comment}`}
  }
  const publicKey = (await readFile(publicKeyPath, 'utf8')).trim().split('\n')[0]?.trim() ?? ''
  const pub = ssh2().utils.parseKey(publicKey)
  if (pub instanceof Error || Array.isArray(pub) || !pub.getPublicSSH().equals(parsed.getPublicSSH())) {
    throw new ConfigError(`the public key ${publicKeyPath} does not belong to the private key ${privateKeyPath}`, {
      code: 'SSH_KEY_MISMATCH',
      actions: [`Recreate it from the private key: ssh-keygen -y -f ${privateKeyPath} > ${publicKeyPath}`],
    })
  }
  return {privateKeyPath, publicKeyPath, privateKey, publicKey}
}

/**
 * ssh2 writes about 1 in 200 of the ed25519 keys it generates in a form its own parser rejects
 * ("Malformed OpenSSH private key", measured: 16 of 3000): generate until the key parses.
 */
export function parsableKeyPair(comment = ''): {private: string; public: string} {
  for (let attempt = 1; ; attempt++) {
    const pair = ssh2().utils.generateKeyPairSync('ed25519', {comment})
    if (!(ssh2().utils.parseKey(pair.private) instanceof Error)) return pair
    if (attempt >= 20) throw new Error('ssh2 generated 20 ed25519 keys that it cannot parse back')
  }
}

/** Writes a new pair; false when a concurrent run wrote the key first. */
async function generateKeyPair(privateKeyPath: string, comment: string): Promise<boolean> {
  await mkdir(path.dirname(privateKeyPath), {recursive: true, mode: 0o700})
  const pair = parsableKeyPair(comment)
  // Write under a temporary name, then link: the key appears complete or not at all, and a
  // concurrent run that linked first wins (EEXIST) so both use the same key.
  const tmp = `${privateKeyPath}.${randomBytes(6).toString('hex')}.tmp`
  await writeFile(tmp, pair.private, {mode: 0o600, flag: 'wx'})
  try {
    await link(tmp, privateKeyPath)
    await writeFile(`${privateKeyPath}.pub`, `${pair.public}\n`, {mode: 0o644})
    return true
  } catch (error) {
    if (!isCode(error, 'EEXIST')) throw error
    return false
  } finally {
    await unlink(tmp)
  }
}

function parseOne(text: string, file: string): ParsedKey {
  const parsed = ssh2().utils.parseKey(text)
  const key = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed
  if (key === undefined || key instanceof Error || !key.isPrivateKey()) {
    const reason = key instanceof Error ? key.message : 'no private key found'
    throw new ConfigError(`cannot use the SSH private key ${file}: ${reason}`, {
      code: 'SSH_KEY_INVALID',
      actions: [
        'Point ssh.private_key_path at an unencrypted private key (ed25519, ecdsa or rsa), e.g. one made with: ssh-keygen -t ed25519 -N "" -f KEY',
        'Or leave ssh.private_key_path out and ai-how generates a key pair for the cluster.',
      ],
    })
  }
  return key
}

async function readKeyFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw new ConfigError(`cannot read the SSH private key ${file}: ${(error as Error).message}`, {
      code: isCode(error, 'ENOENT') ? 'SSH_KEY_NOT_FOUND' : 'SSH_KEY_UNREADABLE',
      cause: error,
      actions: ['Check ssh.private_key_path (relative paths resolve against the config file\'s folder), or leave it out to let ai-how generate a key pair.'],
    })
  }
}

/** ssh (and so Ansible) refuses a private key that others can read; say so now rather than mid-deploy. */
async function assertPrivateMode(file: string): Promise<void> {
  const info = await stat(file)
  const ownedByUs = typeof process.getuid === 'function' && info.uid === process.getuid()
  if (ownedByUs && (info.mode & 0o077) !== 0) {
    throw new ConfigError(`the SSH private key ${file} is readable by others (mode ${(info.mode & 0o777).toString(8)})`, {
      code: 'SSH_KEY_PERMISSIONS',
      actions: [`Restrict it: chmod 600 ${file}`],
    })
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file)
    return true
  } catch (error) {
    if (isCode(error, 'ENOENT')) return false
    throw error
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as {code?: unknown}).code === code
}
