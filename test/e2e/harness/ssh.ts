import {writeFile} from 'node:fs/promises'
import path from 'node:path'
import {parsableKeyPair} from '@ai-how/plugin-hpc'

import type {E2eHost} from './host.js'
import {inNetns} from './netns.js'
import {repoRoot} from './paths.js'

export interface TestKeyPair {
  privateKeyPath: string
  publicKeyPath: string
  /** One line, "ssh-ed25519 AAAA... comment", for cloud-init's ssh_authorized_keys. */
  publicKey: string
}

/** A fresh ed25519 key pair in OpenSSH format (readable by ssh2, ssh and Ansible), written to DIR. */
export async function generateTestKeyPair(dir: string, name = 'id_ed25519'): Promise<TestKeyPair> {
  const pair = parsableKeyPair('ai-how-e2e')
  const privateKeyPath = path.join(dir, name)
  const publicKeyPath = `${privateKeyPath}.pub`
  await writeFile(privateKeyPath, pair.private, {mode: 0o600})
  await writeFile(publicKeyPath, `${pair.public.trim()}\n`)
  return {privateKeyPath, publicKeyPath, publicKey: pair.public.trim()}
}

export interface SshTarget {
  ip: string
  user: string
  privateKeyPath: string
  /** Where the guest's host key is recorded (a known_hosts file), for OpenSSH and Ansible later. */
  knownHostsPath?: string
}

export interface SshProbeResult {
  /** False when no session could be opened before the deadline (see lastError). */
  connected: boolean
  attempts: number
  elapsedMs: number
  exitCode: number
  stdout: string
  stderr: string
  /** "ssh-ed25519 AAAA..." of the guest. */
  hostKey: string
  lastError: string
}

/**
 * Waits (inside the namespace, where the guests are) until TARGET answers SSH with the key, then
 * runs COMMAND there once. Resolves with connected: false when the deadline passes first.
 */
export async function sshRun(host: E2eHost, target: SshTarget, command = 'true', timeoutMs = 300_000): Promise<SshProbeResult> {
  const args = ['--import', 'tsx', path.join(repoRoot, 'test/e2e/harness/ssh-probe.ts'), '--host', target.ip,
    '--user', target.user, '--key', target.privateKeyPath, '--timeout-ms', String(timeoutMs), '--command', command]
  if (target.knownHostsPath !== undefined) args.push('--known-hosts', target.knownHostsPath)
  const res = await inNetns(host, process.execPath, args, {cwd: repoRoot, timeoutMs: timeoutMs + 60_000, reject: false})
  const last = res.stdout.trim().split('\n').at(-1) ?? ''
  let parsed: Partial<SshProbeResult>
  try {
    parsed = JSON.parse(last) as Partial<SshProbeResult>
  } catch {
    throw new Error(`ssh-probe gave no result (exit ${res.exitCode}): ${res.stderr || res.stdout}`)
  }
  return {
    connected: res.exitCode === 0,
    attempts: parsed.attempts ?? 0,
    elapsedMs: parsed.elapsedMs ?? 0,
    exitCode: parsed.exitCode ?? -1,
    stdout: parsed.stdout ?? '',
    stderr: parsed.stderr ?? '',
    hostKey: parsed.hostKey ?? '',
    lastError: parsed.lastError ?? '',
  }
}
