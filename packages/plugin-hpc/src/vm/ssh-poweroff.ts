/**
 * Powering a guest off over SSH with the cluster key: `sudo -n systemctl poweroff`, else
 * `sudo -n poweroff`. This works on an image where nothing acts on the ACPI power button (no dbus,
 * no logind). The connection usually drops while the command runs: once the command was started,
 * a dropped connection is the expected outcome, not a failure. Only an unknown or changed host key
 * is refused (nothing is recorded: the key of a running node was recorded when it started).
 */
import {runCommand} from '../ssh/exec.js'
import {SshAttemptError, withSession} from '../ssh/session.js'
import type {SshTarget} from '../ssh/session.js'

export const POWEROFF_COMMAND = 'sudo -n systemctl poweroff || sudo -n poweroff'

/** Whether the guest took the request, and in a few words what happened. */
export interface PowerOffAttempt {
  accepted: boolean
  detail: string
}

export type GuestPowerOff = (target: SshTarget, options: {timeoutMs: number; signal?: AbortSignal}) => Promise<PowerOffAttempt>

const firstLine = (text: string): string => text.trim().split('\n')[0]?.trim() ?? ''

export const sshPowerOff: GuestPowerOff = async (target, options) => {
  const session = {started: false}
  try {
    const result = await withSession(target, options.timeoutMs, options.signal, (client) => {
      session.started = true
      return runCommand(client, POWEROFF_COMMAND)
    })
    if (result.exitCode === 0 || result.exitCode === null) return {accepted: true, detail: 'poweroff accepted'}
    return {accepted: false, detail: `poweroff exited ${result.exitCode}: ${firstLine(result.stderr) || firstLine(result.stdout) || 'no output'}`}
  } catch (error) {
    if (session.started && error instanceof SshAttemptError && error.reason !== 'EXEC_FAILED') return {accepted: true, detail: `connection closed by the poweroff (${error.reason})`}
    if (options.signal?.aborted === true) throw error
    const reason = error instanceof SshAttemptError ? error.reason : error instanceof Error ? error.message : String(error)
    return {accepted: false, detail: `no SSH session (${reason})`}
  }
}
