/**
 * Kubernetes API objects in their wire shapes (as `kubectl get -o json` shows them), for the fake
 * API server: Node, Pod, lists, VersionInfo and the metav1.Status the server sends with errors.
 */
import {randomUUID} from 'node:crypto'

export interface ObjectMeta {
  name: string
  namespace?: string
  uid: string
  resourceVersion: string
  creationTimestamp: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  ownerReferences?: {apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean}[]
  deletionTimestamp?: string
  deletionGracePeriodSeconds?: number
}

export interface Condition {
  type: string
  status: 'True' | 'False' | 'Unknown'
  reason?: string
  message?: string
  lastTransitionTime?: string
  lastHeartbeatTime?: string
}

export interface NodeObject {
  apiVersion: 'v1'
  kind: 'Node'
  metadata: ObjectMeta
  spec: {podCIDR?: string; podCIDRs?: string[]; unschedulable?: boolean; taints?: {key: string; effect: string; timeAdded?: string}[]}
  status: {conditions: Condition[]; addresses: {type: string; address: string}[]; nodeInfo: Record<string, string>}
}

export interface ContainerStatus {
  name: string
  ready: boolean
  restartCount: number
  image: string
  imageID: string
  started?: boolean
  state: {running?: {startedAt: string}; waiting?: {reason: string; message?: string}; terminated?: {exitCode: number; reason?: string; message?: string}}
}

export interface PodObject {
  apiVersion: 'v1'
  kind: 'Pod'
  metadata: ObjectMeta
  spec: {nodeName?: string; containers: {name: string; image: string}[]}
  status: {phase: string; reason?: string; message?: string; conditions?: Condition[]; containerStatuses?: ContainerStatus[]}
}

const NOW = '2025-06-01T10:00:00Z'
let version = 1000
export const nextResourceVersion = (): string => String(++version)

const meta = (name: string, extra: Partial<ObjectMeta> = {}): ObjectMeta => ({name, uid: randomUUID(), resourceVersion: nextResourceVersion(), creationTimestamp: NOW, ...extra})

export interface NodeSpec {
  /** true (default): Ready=True; false: the kubelet stopped posting (Unknown); or a given condition. */
  ready?: boolean | Omit<Condition, 'type'>
  unschedulable?: boolean
  controlPlane?: boolean
  ip?: string
}

export function nodeObject(name: string, spec: NodeSpec = {}): NodeObject {
  const ready = spec.ready ?? true
  const readyCondition: Condition =
    ready === true ? {type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status'}
    : ready === false ? {type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.'}
    : {type: 'Ready', ...ready}
  const pressure = (type: string, reason: string, message: string): Condition => ({type, status: 'False', reason, message, lastHeartbeatTime: NOW, lastTransitionTime: NOW})
  const labels: Record<string, string> = {'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64'}
  if (spec.controlPlane === true) labels['node-role.kubernetes.io/control-plane'] = ''
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: meta(name, {labels, annotations: {'node.alpha.kubernetes.io/ttl': '0'}}),
    spec: {podCIDR: '10.233.64.0/24', podCIDRs: ['10.233.64.0/24'], ...(spec.unschedulable === true ? {unschedulable: true, taints: [{key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: NOW}]} : {})},
    status: {
      conditions: [
        pressure('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        pressure('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        pressure('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        {lastHeartbeatTime: NOW, lastTransitionTime: NOW, ...readyCondition},
      ],
      addresses: [{type: 'InternalIP', address: spec.ip ?? '192.168.200.10'}, {type: 'Hostname', address: name}],
      nodeInfo: {kubeletVersion: 'v1.31.4', containerRuntimeVersion: 'containerd://1.7.24', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-28-amd64', operatingSystem: 'linux', architecture: 'amd64'},
    },
  }
}

export interface PodSpec {
  namespace?: string
  node: string
  /** The controller: ReplicaSet (default), DaemonSet, StatefulSet, Node (a static/mirror pod), or none. */
  owner?: 'ReplicaSet' | 'DaemonSet' | 'StatefulSet' | 'Node' | null
  /** Default Running with its container running. */
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed'
  /** A container waiting, e.g. {reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=...'}. */
  waiting?: {reason: string; message?: string}
  /** For Pending without a waiting container: the PodScheduled=False condition's message. */
  unschedulable?: string
}

export function podObject(name: string, spec: PodSpec): PodObject {
  const namespace = spec.namespace ?? 'default'
  const owner = spec.owner === undefined ? 'ReplicaSet' : spec.owner
  const container = name.replace(/-[a-z0-9]{5,10}(-[a-z0-9]{5})?$/, '') || 'app'
  const extra: Partial<ObjectMeta> = {namespace, labels: {app: container}}
  if (owner === 'Node') {
    extra.annotations = {'kubernetes.io/config.mirror': 'a1b2c3', 'kubernetes.io/config.source': 'file'}
    extra.ownerReferences = [{apiVersion: 'v1', kind: 'Node', name: spec.node, uid: randomUUID(), controller: true}]
  } else if (owner !== null) {
    const apiVersion = 'apps/v1'
    extra.ownerReferences = [{apiVersion, kind: owner, name: `${container}-owner`, uid: randomUUID(), controller: true, blockOwnerDeletion: true}]
  }
  const phase = spec.phase ?? (spec.unschedulable === undefined ? 'Running' : 'Pending')
  const state: ContainerStatus['state'] = spec.waiting !== undefined ? {waiting: spec.waiting} : phase === 'Succeeded' ? {terminated: {exitCode: 0, reason: 'Completed'}} : {running: {startedAt: NOW}}
  const statuses: ContainerStatus[] = [{name: container, ready: state.running !== undefined, restartCount: spec.waiting === undefined ? 0 : 7, image: `registry.k8s.io/${container}:v1`, imageID: '', started: state.running !== undefined, state}]
  const conditions: Condition[] = spec.unschedulable === undefined ? [{type: 'PodScheduled', status: 'True'}]
    : [{type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: spec.unschedulable}]
  const scheduled = spec.unschedulable === undefined
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(name, extra),
    spec: {...(scheduled ? {nodeName: spec.node} : {}), containers: [{name: container, image: `registry.k8s.io/${container}:v1`}]},
    status: {phase, conditions, ...(scheduled ? {containerStatuses: statuses} : {})},
  }
}

export function listObject<T>(kind: 'NodeList' | 'PodList', items: T[]): {apiVersion: 'v1'; kind: string; metadata: {resourceVersion: string}; items: T[]} {
  return {apiVersion: 'v1', kind, metadata: {resourceVersion: String(version)}, items}
}

export function versionInfo(gitVersion = 'v1.31.4'): Record<string, string> {
  const [major = '1', minor = '31'] = gitVersion.replace(/^v/, '').split('.')
  return {major, minor, gitVersion, gitCommit: 'a78aa47129b8539636eb86a9d00e31b2720fe06b', gitTreeState: 'clean', buildDate: '2024-12-10T11:36:46Z', goVersion: 'go1.22.9', compiler: 'gc', platform: 'linux/amd64'}
}

export interface StatusObject {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, never>
  status: 'Success' | 'Failure'
  message?: string
  reason?: string
  details?: {name?: string; kind?: string; causes?: {reason: string; message: string}[]; retryAfterSeconds?: number}
  code: number
}

export function statusObject(code: number, reason: string, message: string, details?: StatusObject['details']): StatusObject {
  return {kind: 'Status', apiVersion: 'v1', metadata: {}, status: code < 400 ? 'Success' : 'Failure', ...(message === '' ? {} : {message}), ...(reason === '' ? {} : {reason}), ...(details === undefined ? {} : {details}), code}
}

export const unauthorizedStatus = (): StatusObject => statusObject(401, 'Unauthorized', 'Unauthorized')
export const notFoundStatus = (kind: string, name: string): StatusObject => statusObject(404, 'NotFound', `${kind} "${name}" not found`, {name, kind})
export const disruptionBudgetStatus = (pdb: string): StatusObject =>
  statusObject(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
    causes: [{reason: 'DisruptionBudget', message: `The disruption budget ${pdb} needs 1 healthy pods and has 1 currently`}],
  })
