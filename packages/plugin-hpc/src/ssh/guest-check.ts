/**
 * Once a node answers SSH as the cluster user with the cluster key: waits for cloud-init to finish,
 * then checks what ai-how needs from the guest (passwordless sudo, the node's hostname), all in one
 * command on one channel (guest-probe.ts); only a failed cloud-init costs a second one, which reads
 * its report. A cloud-init failure in any other module is a warning naming the modules and the log
 * on the VM, unless `strict`, where it fails the node as CLOUD_INIT_FAILED. Once cloud-init has
 * answered, nothing is retried: the guest's state is final; a wait killed by a signal, or a command
 * cut short, is a transient failure (the probe is retried).
 */
import type {Client} from 'ssh2'
import {AiHowError} from '@ai-how/core'
import {CLOUD_INIT_LOG, describeReport, readCloudInitReport} from './cloud-init-report.js'
import type {CloudInitReport} from './cloud-init-report.js'
import {runCommand} from './exec.js'
import type {ExecResult} from './exec.js'
import {CLOUD_INIT_WAIT, HOSTNAME_CHECK, SUDO_CHECK, guestProbe, parseProbe, signalOf} from './guest-probe.js'
import type {CheckOutput} from './guest-probe.js'
import {SshAttemptError} from './session.js'

export interface GuestCheck {
  host: string
  /** The node's name for messages (its libvirt domain), when it has one. */
  alias?: string | undefined
  user: string
  /** Any cloud-init failure fails the node (the behaviour before warnings, `--strict-cloud-init`). */
  strict: boolean
  /** The hostname the node must report (`uname -n`, first label); unchecked when absent. */
  hostname?: string | undefined
}

const readLog = (c: GuestCheck): string => `Read ${CLOUD_INIT_LOG} on the VM (ssh ${c.user}@${c.host}) for the cause, or its console log.`

function node(c: GuestCheck): string {
  return c.alias === undefined || c.alias === c.host ? c.host : `${c.alias} (${c.host})`
}

function cloudInitFailed(c: GuestCheck, cloudInitExit: number, report: CloudInitReport): AiHowError {
  return new AiHowError(`cloud-init failed on ${node(c)}: ${describeReport(report)}`, {
    code: 'CLOUD_INIT_FAILED',
    actions: [readLog(c), 'Without --strict-cloud-init, a failure of a module that ai-how does not need is a warning and start goes on.'],
    details: {host: c.host, exitCode: cloudInitExit, failedModules: report.failedModules, errors: report.otherErrors},
  })
}

/** "… cloud-init also reported: module locale failed" when cloud-init failed, to explain a missing need. */
function alsoReported(report: CloudInitReport | undefined): string {
  return report === undefined ? '' : `; cloud-init also reported: ${describeReport(report)}`
}

function checkSudo(sudo: Completed, c: GuestCheck, report: CloudInitReport | undefined): void {
  if (sudo.exitCode === 0) return
  const said = (sudo.stderr || sudo.stdout).trim().split('\n')[0] ?? ''
  throw new AiHowError(`${c.user} on ${node(c)} has no passwordless sudo (sudo -n true exited ${sudo.exitCode ?? sudo.signal ?? 'without status'}${said === '' ? '' : `: ${said}`})${alsoReported(report)}`, {
    code: 'GUEST_SUDO_FAILED',
    actions: [`The deploy needs sudo without a password for ${c.user}: cloud-init's users module gives it (sudo: ALL=(ALL) NOPASSWD:ALL); the image needs the sudo package.`, readLog(c)],
    details: {host: c.host, user: c.user, exitCode: sudo.exitCode},
  })
}

function checkHostname(result: Completed, c: GuestCheck, expected: string, report: CloudInitReport | undefined): void {
  const actual = result.stdout.trim()
  if (result.exitCode === 0 && actual.split('.')[0] === expected) return
  throw new AiHowError(`${node(c)} reports hostname '${actual}', not '${expected}'${alsoReported(report)}`, {
    code: 'GUEST_HOSTNAME_MISMATCH',
    actions: [`cloud-init sets the hostname from the seed (hostname: ${expected}); an image that keeps its own (preserve_hostname: true in /etc/cloud/cloud.cfg) breaks name resolution between the nodes.`, readLog(c)],
    details: {host: c.host, expected, actual},
  })
}

/** A transient failure (the probe is retried): the folded command was cut before `command` ended. */
function cut(result: ExecResult, command: string): SshAttemptError {
  const status = result.exitCode ?? result.signal
  return new SshAttemptError(`EXIT_${status ?? 'UNKNOWN'}`, `the guest checks ended before '${command}' did (exited with ${status ?? 'no status'})`)
}

/** A check that ended: its exit status, or (above 128 in the script's shell) the signal that killed it, as a channel of its own told them. */
interface Completed {stdout: string; stderr: string; exitCode: number | null; signal: string | null}

function completed(check: CheckOutput | undefined, result: ExecResult, command: string): Completed {
  if (check === undefined || check.exitCode === null) throw cut(result, command)
  const killed = check.exitCode > 128
  return {stdout: check.stdout, stderr: check.stderr, exitCode: killed ? null : check.exitCode, signal: killed ? signalOf(check.exitCode) : null}
}

/** The exit status of `cloud-init status --wait`; transient when it did not end by itself (killed, or the command cut). */
function cloudInitStatus(exit: number | undefined, result: ExecResult): number {
  if (exit === undefined) throw cut(result, CLOUD_INIT_WAIT)
  if (exit > 128) throw new SshAttemptError(`EXIT_${signalOf(exit)}`, `'${CLOUD_INIT_WAIT}' exited with ${signalOf(exit)}`)
  return exit
}

/**
 * Waits for cloud-init, then checks the guest: the node's warnings when it has what ai-how needs;
 * throws when it does not (or, strict, when cloud-init failed). Cloud-init answered: done (0), done
 * with recoverable errors (2) or failed; waiting longer changes nothing, so nothing is retried then.
 */
export async function checkGuest(client: Client, c: GuestCheck): Promise<string[]> {
  const probe = guestProbe({checkHostname: c.hostname !== undefined, skipChecksOnFailure: c.strict})
  const result = await runCommand(client, probe.command)
  const out = parseProbe(result, probe.nonce)
  const cloudInitExit = cloudInitStatus(out.cloudInitExit, result)
  const failed = cloudInitExit !== 0 && cloudInitExit !== 2
  const report = failed ? await readCloudInitReport(client) : undefined
  if (report !== undefined && c.strict) throw cloudInitFailed(c, cloudInitExit, report)
  checkSudo(completed(out.sudo, result, SUDO_CHECK), c, report)
  if (c.hostname !== undefined) checkHostname(completed(out.uname, result, HOSTNAME_CHECK), c, c.hostname, report)
  if (report === undefined) return []
  const works = [`SSH as ${c.user} with the cluster key`, 'passwordless sudo', ...(c.hostname === undefined ? [] : [`the hostname ${c.hostname}`])]
  return [`cloud-init on ${node(c)}: ${describeReport(report)} (see ${CLOUD_INIT_LOG} on the VM); ` +
    `${works.join(', ')} work, so start goes on (--strict-cloud-init makes this fail the start)`]
}
