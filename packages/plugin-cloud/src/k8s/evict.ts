/**
 * Evicts one pod through the Eviction API and waits until it is gone. A 429 (a PodDisruptionBudget
 * refusal, or API throttling) and network trouble are retried until the deadline; a pod whose
 * eviction was accepted but that is still there at the deadline is reported as still terminating.
 */
import type {V1Pod} from '@kubernetes/client-node'
import type {ApiFailure} from './api-error.js'
import type {K8sClient} from './client.js'
import {pause} from './timing.js'
import type {Deadline} from './timing.js'

export interface PodRef {
  namespace: string
  name: string
  node: string
}

export interface DrainPod extends PodRef {
  uid: string | null
  /** Already being deleted: not evicted again, only waited for. */
  terminating: boolean
}

export interface EvictContext {
  client: K8sClient
  deadline: Deadline
  retryIntervalMs: number
  pollIntervalMs: number
  requestTimeoutMs: number
  signal?: AbortSignal | undefined
  onRetry?: (pod: PodRef, failure: ApiFailure) => void
  onAccepted?: (pod: PodRef) => void
}

export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror'

/** Why a pod of a node is left alone by a drain (DaemonSet pods come back; mirror pods are the kubelet's), else null. */
export function skipReason(pod: V1Pod): 'DaemonSet' | 'mirror pod' | null {
  if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) return 'mirror pod'
  if (pod.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet') === true) return 'DaemonSet'
  return null
}

export function drainPod(pod: V1Pod, node: string): DrainPod {
  return {
    namespace: pod.metadata?.namespace ?? 'default',
    name: pod.metadata?.name ?? '',
    node,
    uid: pod.metadata?.uid ?? null,
    terminating: pod.metadata?.deletionTimestamp !== undefined,
  }
}

/** Null once the pod is gone; else why it is still there at the deadline (or why it could not be evicted). */
export async function evictAndWait(pod: DrainPod, ctx: EvictContext): Promise<string | null> {
  if (!pod.terminating) {
    const refused = await evict(pod, ctx)
    if (refused !== undefined) return refused
  }
  return waitGone(pod, ctx)
}

/** undefined: accepted; null: the pod is already gone; a string: refused until the deadline. */
async function evict(pod: DrainPod, ctx: EvictContext): Promise<string | null | undefined> {
  const {client, deadline} = ctx
  const {name, namespace} = pod
  const body = new client.lib.V1Eviction()
  body.apiVersion = 'policy/v1'
  body.kind = 'Eviction'
  body.metadata = new client.lib.V1ObjectMeta()
  body.metadata.name = name
  body.metadata.namespace = namespace
  for (;;) {
    const outcome = await client.call(deadline.requestTimeout(ctx.requestTimeoutMs), (o) => client.core.createNamespacedPodEviction({name, namespace, body}, o))
    if (outcome.ok) {
      ctx.onAccepted?.(pod)
      return undefined
    }
    const failure = outcome.failure
    if (failure.kind === 'not-found') return null
    if (failure.definitive) return `eviction failed: ${failure.message}`
    const wait = Math.max(ctx.retryIntervalMs, failure.retryAfterMs ?? 0)
    if (deadline.remaining <= wait) return `eviction refused until the deadline: ${failure.message}`
    ctx.onRetry?.(pod, failure)
    await pause(wait, ctx.signal)
  }
}

async function waitGone(pod: DrainPod, ctx: EvictContext): Promise<string | null> {
  const {client, deadline} = ctx
  for (;;) {
    const outcome = await client.call(deadline.requestTimeout(ctx.requestTimeoutMs), (o) => client.core.readNamespacedPod({name: pod.name, namespace: pod.namespace}, o))
    if (!outcome.ok && outcome.failure.kind === 'not-found') return null
    if (outcome.ok && pod.uid !== null && outcome.value.metadata?.uid !== pod.uid) return null
    const last = outcome.ok ? '' : ` (last check: ${outcome.failure.message})`
    if (deadline.remaining <= 0) return `still terminating at the deadline${last}`
    await pause(Math.min(ctx.pollIntervalMs, deadline.remaining), ctx.signal)
  }
}
