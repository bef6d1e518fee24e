/**
 * The Kubernetes API layer of the cloud kind (@kubernetes/client-node 1.4, imported on first use).
 *
 *   rewriteKubeconfig(text, host): string
 *     admin.conf with every cluster's server pointed at `host` (scheme, port, default 6443, and path
 *     kept; CA data and credentials untouched). Throws KubeconfigError KUBECONFIG_INVALID for text
 *     that is not a kubeconfig, KUBECONFIG_HOST_INVALID for a bad host.
 *
 *   checkHealth(kubeconfigPath, {nodes, deadlineMs, signal?, intervalMs?, requestTimeoutMs?, onAttempt?}): Promise<CloudHealth>
 *     /readyz, server version, the expected nodes Ready, kube-system pods running; looks again every
 *     intervalMs until healthy or the deadline (a 401/403/untrusted certificate stops at once) and
 *     returns the last look. `checks` is core's HealthReport form. Never throws for the cluster's state.
 *
 *   drainNodes(kubeconfigPath, nodes, {timeoutMs, signal?, onProgress?, concurrency?, retryIntervalMs?, pollIntervalMs?, requestTimeoutMs?}): Promise<DrainReport>
 *     cordon, evict (429 retried until the deadline), wait until gone. Unreachable API: reachable
 *     false + error, no throw. Unknown nodes: unknown_nodes. PDB refusals and pods still
 *     terminating at the deadline: blocked, with the reason.
 *
 *   uncordonNodes(kubeconfigPath, nodes, {signal?, requestTimeoutMs?}): Promise<UncordonReport>
 *     merge patch unschedulable: false on those of `nodes` that are cordoned, and on every cordoned
 *     node with ai-how's CORDONED_BY mark (set by drainNodes' cordon in the same patch).
 *
 * All three API functions throw only KubeconfigError (KUBECONFIG_NOT_FOUND, KUBECONFIG_INVALID)
 * before any request, and an abort of `signal` (with its reason).
 * A fake API server for tests: ./testing/fake-api.ts (not exported here).
 */
export {rewriteKubeconfig, loadKubeconfig, DEFAULT_API_PORT} from './kubeconfig.js'
export {checkHealth} from './health.js'
export type {CheckHealthOptions} from './health.js'
export type {ApiSummary, CloudHealth, HealthCheck} from './observe.js'
export type {NodeProblem, NodesSummary, PodProblem, PodsSummary} from './summarize.js'
export {drainNodes} from './drain.js'
export type {BlockedPod, DrainEvent, DrainOptions, DrainReport, SkippedPod} from './drain.js'
export type {PodRef} from './evict.js'
export {CORDONED_BY, uncordonNodes} from './cordon.js'
export type {UncordonOptions, UncordonReport} from './cordon.js'
export {CREDENTIALS_REFUSED} from './api-error.js'
export {KubeconfigError, KUBECONFIG_HOST_INVALID, KUBECONFIG_INVALID, KUBECONFIG_NOT_FOUND} from './errors.js'
