/**
 * The named errors of the Kubernetes API layer. Only a kubeconfig that cannot be used at all is an
 * error: an unreachable, unhealthy or refusing cluster is a report (see health.ts, drain.ts).
 */
import {AiHowError} from '@ai-how/core'
import type {AiHowErrorOptions} from '@ai-how/core'

export const KUBECONFIG_NOT_FOUND = 'KUBECONFIG_NOT_FOUND'
export const KUBECONFIG_INVALID = 'KUBECONFIG_INVALID'
export const KUBECONFIG_HOST_INVALID = 'KUBECONFIG_HOST_INVALID'

const FETCH_AGAIN = 'Fetch the kubeconfig again with: ai-how cloud start'

/** The kubeconfig is missing, unreadable or not a kubeconfig: exit 1. */
export class KubeconfigError extends AiHowError {
  constructor(message: string, options: Omit<AiHowErrorOptions, 'exitCode'>) {
    super(message, options)
    this.name = 'KubeconfigError'
  }
}

export function kubeconfigNotFound(file: string, cause: unknown): KubeconfigError {
  return new KubeconfigError(`cannot read the kubeconfig ${file}: ${reasonOf(cause)}`, {
    code: KUBECONFIG_NOT_FOUND,
    cause,
    actions: [FETCH_AGAIN, 'Check that the cluster was deployed: ai-how cloud status'],
    details: {file},
  })
}

export function kubeconfigInvalid(where: string, reason: string, cause?: unknown): KubeconfigError {
  return new KubeconfigError(`${where} is not a usable kubeconfig: ${reason}`, {
    code: KUBECONFIG_INVALID,
    cause,
    actions: [FETCH_AGAIN, 'A kubeconfig is the admin.conf that kubeadm writes on the control plane (/etc/kubernetes/admin.conf).'],
    details: {where, reason},
  })
}

export function kubeconfigHostInvalid(host: string): KubeconfigError {
  return new KubeconfigError(`${JSON.stringify(host)} is not a host name or IP address for the API server`, {
    code: KUBECONFIG_HOST_INVALID,
    actions: ['Pass the control plane address (or the load balancer address), without scheme or port, e.g. 192.168.200.10.'],
    details: {host},
  })
}

export function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
