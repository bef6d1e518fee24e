/**
 * Once a node answers SSH as the cluster user with the cluster key and cloud-init has finished:
 * checks what ai-how needs from the guest (passwordless sudo, the node's hostname). A cloud-init
 * failure in any other module is a warning naming the modules and the log on the VM, unless
 * `strict`, where it fails the node as CLOUD_INIT_FAILED. Nothing here is retried: the guest's state
 * is final once cloud-init has finished.
 */
import type {Client} from 'ssh2'
import {AiHowError} from '@ai-how/core'
import {CLOUD_INIT_LOG, describeReport, readCloudInitReport} from './cloud-init-report.js'
import type {CloudInitReport} from './cloud-init-report.js'
import {runCommand} from './exec.js'

export interface GuestCheck {
  host: string
  /** The node's name for messages (its libvirt domain), when it has one. */
  alias?: string | undefined
  user: string
  /** Exit status of `cloud-init status --wait`: 0 done, 2 done with recoverable errors, else failed. */
  cloudInitExit: number
  /** Any cloud-init failure fails the node (the behaviour before warnings, `--strict-cloud-init`). */
  strict: boolean
  /** The hostname the node must report (`uname -n`, first label); unchecked when absent. */
  hostname?: string | undefined
}

const readLog = (c: GuestCheck): string => `Read ${CLOUD_INIT_LOG} on the VM (ssh ${c.user}@${c.host}) for the cause, or its console log.`

function node(c: GuestCheck): string {
  return c.alias === undefined || c.alias === c.host ? c.host : `${c.alias} (${c.host})`
}

function cloudInitFailed(c: GuestCheck, report: CloudInitReport): AiHowError {
  return new AiHowError(`cloud-init failed on ${node(c)}: ${describeReport(report)}`, {
    code: 'CLOUD_INIT_FAILED',
    actions: [readLog(c), 'Without --strict-cloud-init, a failure of a module that ai-how does not need is a warning and start goes on.'],
    details: {host: c.host, exitCode: c.cloudInitExit, failedModules: report.failedModules, errors: report.otherErrors},
  })
}

/** "… cloud-init also reported: module locale failed" when cloud-init failed, to explain a missing need. */
function alsoReported(report: CloudInitReport | undefined): string {
  return report === undefined ? '' : `; cloud-init also reported: ${describeReport(report)}`
}

async function checkSudo(client: Client, c: GuestCheck, report: CloudInitReport | undefined): Promise<void> {
  const sudo = await runCommand(client, 'sudo -n true')
  if (sudo.exitCode === 0) return
  const said = (sudo.stderr || sudo.stdout).trim().split('\n')[0] ?? ''
  throw new AiHowError(`${c.user} on ${node(c)} has no passwordless sudo (sudo -n true exited ${sudo.exitCode ?? sudo.signal ?? 'without status'}${said === '' ? '' : `: ${said}`})${alsoReported(report)}`, {
    code: 'GUEST_SUDO_FAILED',
    actions: [`The deploy needs sudo without a password for ${c.user}: cloud-init's users module gives it (sudo: ALL=(ALL) NOPASSWD:ALL); the image needs the sudo package.`, readLog(c)],
    details: {host: c.host, user: c.user, exitCode: sudo.exitCode},
  })
}

async function checkHostname(client: Client, c: GuestCheck, expected: string, report: CloudInitReport | undefined): Promise<void> {
  const result = await runCommand(client, 'uname -n')
  const actual = result.stdout.trim()
  if (result.exitCode === 0 && actual.split('.')[0] === expected) return
  throw new AiHowError(`${node(c)} reports hostname '${actual}', not '${expected}'${alsoReported(report)}`, {
    code: 'GUEST_HOSTNAME_MISMATCH',
    actions: [`cloud-init sets the hostname from the seed (hostname: ${expected}); an image that keeps its own (preserve_hostname: true in /etc/cloud/cloud.cfg) breaks name resolution between the nodes.`, readLog(c)],
    details: {host: c.host, expected, actual},
  })
}

/** The warnings of a node that has what ai-how needs; throws when it does not (or, strict, when cloud-init failed). */
export async function checkGuest(client: Client, c: GuestCheck): Promise<string[]> {
  const failed = c.cloudInitExit !== 0 && c.cloudInitExit !== 2
  const report = failed ? await readCloudInitReport(client) : undefined
  if (report !== undefined && c.strict) throw cloudInitFailed(c, report)
  await checkSudo(client, c, report)
  if (c.hostname !== undefined) await checkHostname(client, c, c.hostname, report)
  if (report === undefined) return []
  const works = [`SSH as ${c.user} with the cluster key`, 'passwordless sudo', ...(c.hostname === undefined ? [] : [`the hostname ${c.hostname}`])]
  return [`cloud-init on ${node(c)}: ${describeReport(report)} (see ${CLOUD_INIT_LOG} on the VM); ` +
    `${works.join(', ')} work, so start goes on (--strict-cloud-init makes this fail the start)`]
}
