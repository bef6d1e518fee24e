/**
 * Commands run on a cloud cluster's VMs over SSH with the cluster key and its known_hosts (host
 * keys written by ai-how before the VMs first booted): fetching the admin kubeconfig, stopping kubelet and the container runtime.
 * The runner is injected so that the manager can be tested without guests.
 */
import {readFile} from 'node:fs/promises'
import {AiHowError} from '@ai-how/core'
import {clusterKeyPath, sshExec} from '@ai-how/plugin-hpc'
import type {ExecResult, VmClusterSpec} from '@ai-how/plugin-hpc'

/** Runs `command` (words, quoted for the remote shell) as the cluster's SSH user on the VM at `host`. */
export type GuestRunner = (host: string, command: readonly string[], options: {timeoutMs: number; signal?: AbortSignal}) => Promise<ExecResult>

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

export const ADMIN_CONF = '/etc/kubernetes/admin.conf'

/** The admin kubeconfig's text from the control plane (sudo: it is root's, 0600). */
export async function readAdminConf(run: GuestRunner, host: string, signal?: AbortSignal): Promise<string> {
  const result = await run(host, ['sudo', '-n', 'cat', ADMIN_CONF], {timeoutMs: 60_000, ...(signal === undefined ? {} : {signal})})
  if (result.exitCode !== 0 || result.stdout.trim() === '') {
    throw new AiHowError(`cannot read ${ADMIN_CONF} on the control plane ${host}: ${result.stderr.trim() || `exit ${String(result.exitCode)}`}`, {
      code: 'KUBECONFIG_MISSING',
      actions: ['The deploy did not leave an admin kubeconfig: read the deploy log, fix the playbook, and start again.', 'With --skip-deploy no kubeconfig is fetched.'],
    })
  }
  return result.stdout
}

const RUNTIME_UNITS = ['kubelet', 'containerd', 'crio', 'docker']

/** Stops kubelet and the container runtime; units that do not exist are fine. Returns the units it stopped. */
export async function stopKubeletAndRuntime(run: GuestRunner, host: string, signal?: AbortSignal): Promise<string[]> {
  const script = RUNTIME_UNITS.map((u) => `if systemctl cat ${u}.service >/dev/null 2>&1; then sudo -n systemctl stop ${u}.service && echo ${u}; fi`).join('; ')
  const result = await run(host, ['sh', '-c', script], {timeoutMs: 90_000, ...(signal === undefined ? {} : {signal})})
  return result.stdout.split('\n').map((l) => l.trim()).filter((l) => RUNTIME_UNITS.includes(l))
}
