/**
 * Commands run on a cloud cluster's VMs over SSH with the cluster key and its known_hosts (host
 * keys written by ai-how before the VMs first booted): fetching the admin kubeconfig, stopping kubelet and the container runtime.
 * The runner is injected so that the manager can be tested without guests.
 */
import {AiHowError} from '@ai-how/core'
import type {GuestRunner} from '@ai-how/plugin-hpc'

export {sshGuestRunner} from '@ai-how/plugin-hpc'
export type {GuestRunner} from '@ai-how/plugin-hpc'

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

/**
 * Starts those of the units that are enabled but not active (a stop killed after it stopped them, on
 * a VM that still runs); others are left as they are. The runtime before kubelet. Returns the units it started.
 */
export async function startStoppedKubeletAndRuntime(run: GuestRunner, host: string, signal?: AbortSignal): Promise<string[]> {
  const units = [...RUNTIME_UNITS.filter((u) => u !== 'kubelet'), 'kubelet']
  const script = units.map((u) => `if systemctl is-enabled --quiet ${u}.service 2>/dev/null && ! systemctl is-active --quiet ${u}.service; then sudo -n systemctl start ${u}.service && echo ${u}; fi`).join('; ')
  const result = await run(host, ['sh', '-c', script], {timeoutMs: 90_000, ...(signal === undefined ? {} : {signal})})
  if (result.exitCode !== 0) throw new Error(result.stderr.trim() || `exit ${String(result.exitCode)}`)
  return result.stdout.split('\n').map((l) => l.trim()).filter((l) => RUNTIME_UNITS.includes(l))
}
