/**
 * The clock of a restored guest: after a resume its clock is behind by the time it was suspended,
 * which Kubernetes (certificates, leases) and Slurm (munge credentials) do not forgive. Each
 * restored node is stepped to the host's time through the QEMU guest agent (`guest-set-time`, via
 * `virsh domtime --sync`) when its agent answers, else over SSH (a relative `sudo -n date -s`, see
 * sshClockStep). The offset (guest minus host, in seconds) is measured before and after.
 */
import type {Hypervisor} from '../hypervisor/types.js'
import {errorLine} from './error-line.js'
import {runCommand, shellQuote} from '../ssh/exec.js'
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

/**
 * The command that moves the guest's clock by `deltaSeconds` (microsecond precision), relative to
 * its own time when `date` runs: `sudo -n date -u -s '+12.345678 seconds'`. Relative, because the
 * delay before `date` runs (the exec channel, the shell, sudo: 0.6-1.2 s on an emulated guest)
 * would otherwise be lost from an absolute epoch sent by the host.
 */
export function stepClockCommand(deltaSeconds: number): string {
  if (!Number.isFinite(deltaSeconds)) throw new RangeError(`not a clock step: ${String(deltaSeconds)}`)
  const delta = `${deltaSeconds < 0 ? '-' : '+'}${Math.abs(deltaSeconds).toFixed(6)} seconds`
  return `sudo -n date -u -s ${shellQuote([delta])} >/dev/null`
}

/** Readings of the guest's clock taken to measure its offset; the one with the shortest round trip is used. */
const SAMPLES = 3

/**
 * Steps the guest's clock to the host's: measures the offset (guest minus host) as NTP does (the
 * guest's `date +%s.%N` against the host's clock halfway through the round trip, best of
 * SAMPLES), moves the guest's clock by minus that offset in one relative `date -s` under sudo, and
 * measures the offset again. The error left is that of the measurement (at most half the shortest
 * round trip), not the time sudo takes to start.
 */
export const sshClockStep: SshClockStep = (target, options) => withSession(target, options.timeoutMs, options.signal, async (client) => {
  const reading = async (): Promise<{offset: number; roundTrip: number}> => {
    const sent = Date.now()
    const result = await runCommand(client, 'date +%s.%N')
    const received = Date.now()
    const guest = Number(result.stdout.trim())
    if (result.exitCode !== 0 || !Number.isFinite(guest)) throw new Error(`date exited ${String(result.exitCode)}: ${result.stderr.trim().slice(0, 200)}`)
    return {offset: guest - (sent + received) / 2000, roundTrip: received - sent}
  }
  let best = await reading()
  for (let i = 1; i < SAMPLES; i++) {
    const r = await reading()
    if (r.roundTrip < best.roundTrip) best = r
  }
  const set = await runCommand(client, stepClockCommand(-best.offset))
  if (set.exitCode !== 0) throw new Error(`date -s exited ${String(set.exitCode)}: ${set.stderr.trim().slice(0, 200)}`)
  return {before: best.offset, after: (await reading()).offset}
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
