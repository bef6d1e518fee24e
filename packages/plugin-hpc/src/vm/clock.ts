/**
 * The clock of a restored guest: after a resume its clock is behind by the time it was suspended,
 * which Kubernetes (certificates, leases) and Slurm (munge credentials) do not forgive. Each
 * restored node is stepped to the host's time through the QEMU guest agent (`guest-set-time`, via
 * `virsh domtime --sync`) when its agent answers, else over SSH (`sudo date -s @EPOCH`). The offset
 * (guest minus host, in seconds) is measured before and after.
 */
import type {Hypervisor} from '../hypervisor/types.js'
import {errorLine} from './error-line.js'
import {runCommand} from '../ssh/exec.js'
import {withSession} from '../ssh/session.js'
import type {SshTarget} from '../ssh/session.js'

export interface ClockCorrection {
  name: string
  method: 'agent' | 'ssh' | 'none'
  /** Guest minus host, in seconds, before and after the step (null: not measured). */
  offset_before_s: number | null
  offset_after_s: number | null
  /** Why a channel was not used, e.g. `agent: not connected`. */
  tried: string[]
}

/** Steps a guest's clock over SSH; returns the offsets before and after, in seconds. */
export type SshClockStep = (target: SshTarget, options: {timeoutMs: number; signal?: AbortSignal}) => Promise<{before: number; after: number}>

const round = (s: number): number => Math.round(s * 1000) / 1000

/** The command that sets the guest's clock to `epochSeconds` (UTC, millisecond precision). */
export function setClockCommand(epochSeconds: number): string {
  return `sudo -n date -u -s @${epochSeconds.toFixed(3)} >/dev/null`
}

export const sshClockStep: SshClockStep = (target, options) => withSession(target, options.timeoutMs, options.signal, async (client) => {
  // The guest's reading is compared with the host's clock halfway through the round trip.
  const offset = async (): Promise<number> => {
    const sent = Date.now()
    const result = await runCommand(client, 'date +%s.%N')
    const guest = Number(result.stdout.trim())
    if (result.exitCode !== 0 || !Number.isFinite(guest)) throw new Error(`date exited ${String(result.exitCode)}: ${result.stderr.trim().slice(0, 200)}`)
    return guest - (sent + Date.now()) / 2000
  }
  const before = await offset()
  const set = await runCommand(client, setClockCommand(Date.now() / 1000))
  if (set.exitCode !== 0) throw new Error(`date -s exited ${String(set.exitCode)}: ${set.stderr.trim().slice(0, 200)}`)
  return {before, after: await offset()}
})

export interface ClockTarget {
  name: string
  agentChannel: boolean
  ssh?: SshTarget
}

async function viaAgent(hv: Hypervisor, name: string): Promise<{before: number; after: number}> {
  const before = (await hv.guestTime(name)) - Date.now() / 1000
  await hv.syncGuestTime(name)
  return {before, after: (await hv.guestTime(name)) - Date.now() / 1000}
}

export async function correctClock(hv: Hypervisor, t: ClockTarget, step: SshClockStep, signal?: AbortSignal): Promise<ClockCorrection> {
  const tried: string[] = []
  const done = (method: 'agent' | 'ssh', o: {before: number; after: number}): ClockCorrection => ({name: t.name, method, offset_before_s: round(o.before), offset_after_s: round(o.after), tried})
  if (t.agentChannel) {
    try {
      return done('agent', await viaAgent(hv, t.name))
    } catch (error) {
      tried.push(`agent: ${errorLine(error, 200)}`)
    }
  } else tried.push('agent: no channel in the domain')
  if (t.ssh === undefined) tried.push('ssh: no address or key')
  else {
    try {
      return done('ssh', await step(t.ssh, {timeoutMs: 20_000, ...(signal === undefined ? {} : {signal})}))
    } catch (error) {
      tried.push(`ssh: ${errorLine(error, 200)}`)
    }
  }
  return {name: t.name, method: 'none', offset_before_s: null, offset_after_s: null, tried}
}
