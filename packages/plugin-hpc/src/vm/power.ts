/**
 * Stopping many domains at once, gracefully first on any image. Every node is asked in parallel
 * through the best channel it has: the QEMU guest agent when the domain has its channel and the
 * agent answers, else a poweroff over SSH with the cluster key; an ACPI request goes along unless
 * the agent took the request (an image without dbus/logind ignores it, one with them obeys). Then
 * one `domstate` batch per poll (a bounded number of virsh processes whatever the node count) until
 * every domain is off or the timeout passes; only what still runs then is powered off by force.
 */
import {setTimeout as sleep} from 'node:timers/promises'
import type {DomainState, Hypervisor} from '../hypervisor/types.js'
import {errorLine} from './error-line.js'
import type {SshTarget} from '../ssh/session.js'
import {sshPowerOff} from './ssh-poweroff.js'
import type {GuestPowerOff} from './ssh-poweroff.js'
import {ignoring} from './transaction.js'

/** States in which a domain holds resources and must be stopped. */
export function isActiveState(state: DomainState): boolean {
  return state !== 'shutoff' && state !== 'absent' && state !== 'crashed' && state !== 'nostate'
}

/** How a node stopped: the channel that took the request, ACPI alone, a forced power-off, or its memory saved (`stop --suspend`). */
export type StopMethod = 'agent' | 'ssh' | 'acpi' | 'forced' | 'suspended'

/** One running domain to stop and the channels it may be asked through. */
export interface PowerTarget {
  name: string
  /** The domain has the guest agent's virtio-serial channel (org.qemu.guest_agent.0). */
  agentChannel: boolean
  /** How to reach the guest over SSH; absent when it has no known address or no key could be read. */
  ssh?: SshTarget
}

export interface NodeStop {
  name: string
  method: StopMethod
  /** Seconds from the start of the stop until the domain was seen off (or forced off). */
  seconds: number
  /** What each channel answered, e.g. `agent: not connected`, `ssh: poweroff accepted`. */
  tried: string[]
}

export interface ShutdownReport {
  nodes: NodeStop[]
  /** Stopped by the guest itself (agent, ssh or acpi). */
  graceful: string[]
  /** Powered off after the timeout. */
  forced: string[]
}

export interface ShutdownOptions {
  timeoutMs: number
  pollMs?: number
  signal?: AbortSignal
  onProgress?: (line: string) => void
  /** Default: sshPowerOff (a real SSH session). */
  sshPowerOff?: GuestPowerOff
}

/** Asks one guest to power off; returns the channel that took the request (undefined: ACPI alone). */
async function request(hv: Hypervisor, t: PowerTarget, tried: string[], options: ShutdownOptions): Promise<'agent' | 'ssh' | undefined> {
  if (t.agentChannel) {
    try {
      await hv.agentShutdownDomain(t.name)
      tried.push('agent: shutdown accepted')
      return 'agent'
    } catch (error) {
      tried.push(`agent: ${errorLine(error)}`)
    }
  } else tried.push('agent: no channel in the domain')
  let channel: 'ssh' | undefined
  if (t.ssh === undefined) tried.push('ssh: no address or key')
  else {
    const attempt = await (options.sshPowerOff ?? sshPowerOff)(t.ssh, {timeoutMs: Math.max(1000, Math.min(20_000, options.timeoutMs / 2)), ...(options.signal === undefined ? {} : {signal: options.signal})})
    tried.push(`ssh: ${attempt.detail}`)
    if (attempt.accepted) channel = 'ssh'
  }
  try {
    await hv.shutdownDomain(t.name)
    tried.push('acpi: request sent')
  } catch (error) {
    // A guest already going down (or paused, half-booted) may refuse it: the poll below decides.
    tried.push(`acpi: ${errorLine(error)}`)
  }
  return channel
}

export async function shutdownAll(hv: Hypervisor, targets: readonly PowerTarget[], options: ShutdownOptions): Promise<ShutdownReport> {
  const report: ShutdownReport = {nodes: [], graceful: [], forced: []}
  if (targets.length === 0) return report
  const started = Date.now()
  const deadline = started + options.timeoutMs
  const tried = new Map(targets.map((t) => [t.name, [] as string[]]))
  const channels = new Map<string, 'agent' | 'ssh' | undefined>()
  options.onProgress?.(`asking ${targets.length} VM(s) to power off`)
  await Promise.all(targets.map(async (t) => { channels.set(t.name, await request(hv, t, tried.get(t.name) ?? [], options)) }))
  const seconds = (): number => Math.round((Date.now() - started) / 100) / 10
  const done = (name: string, method: StopMethod): void => {
    report.nodes.push({name, method, seconds: seconds(), tried: tried.get(name) ?? []})
    ;(method === 'forced' ? report.forced : report.graceful).push(name)
  }
  const pending = new Set(targets.map((t) => t.name))
  const poll = options.pollMs ?? 1000
  while (pending.size > 0) {
    const states = await hv.domainStates([...pending])
    for (const [name, state] of states) {
      if (isActiveState(state)) continue
      pending.delete(name)
      done(name, channels.get(name) ?? 'acpi')
    }
    if (pending.size === 0 || Date.now() >= deadline || options.signal?.aborted === true) break
    options.onProgress?.(`waiting for ${pending.size} VM(s) to shut down (${Math.ceil((deadline - Date.now()) / 1000)} s left)`)
    await sleep(Math.min(poll, Math.max(0, deadline - Date.now())))
  }
  for (const name of pending) {
    options.onProgress?.(`powering off ${name}`)
    await ignoring(['HYPERVISOR_NOT_ACTIVE', 'HYPERVISOR_DOMAIN_NOT_FOUND'], () => hv.forceOffDomain(name))
    done(name, 'forced')
  }
  return report
}

/** The warning of a node powered off by force: what each channel answered. */
export function forcedWarning(node: NodeStop, timeoutMs: number): string {
  return `${node.name} was still running after ${Math.round(timeoutMs / 1000)} s and was powered off by force (${node.tried.join('; ')})`
}
