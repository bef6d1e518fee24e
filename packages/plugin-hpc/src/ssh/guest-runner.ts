/**
 * Commands run on a cluster's VMs over SSH, as the cluster's SSH user with the cluster key and its
 * known_hosts (strict host keys). Injected where it is used (Slurm on the controller, kubelet and the
 * kubeconfig on a cloud node) so that the logic can be tested without guests.
 */
import {readFile} from 'node:fs/promises'
import type {VmClusterSpec} from '../vm/types.js'
import {sshExec} from './exec.js'
import type {ExecResult} from './exec.js'
import {clusterKeyPath} from './keypair.js'

/** Runs `command` (words, quoted for the remote shell) as the cluster's SSH user on the VM at `host`. */
export type GuestRunner = (host: string, command: readonly string[], options: {timeoutMs: number; signal?: AbortSignal}) => Promise<ExecResult>

/** The runner over SSH; the cluster key is read once, on the first command. */
export function sshGuestRunner(spec: VmClusterSpec): GuestRunner {
  let key: Promise<string> | undefined
  return async (host, command, options) => {
    key ??= readFile(spec.ssh.privateKeyPath ?? clusterKeyPath(spec.outputDir, spec.cluster.name), 'utf8')
    return sshExec({
      host,
      user: spec.ssh.user,
      privateKey: await key,
      knownHostsFile: spec.ssh.knownHostsFile,
      command,
      timeoutMs: options.timeoutMs,
      kind: spec.cluster.kind,
      ...(options.signal === undefined ? {} : {signal: options.signal}),
    })
  }
}
