/**
 * What cloud-init says went wrong on a guest, read over an open SSH session: the errors of
 * `cloud-init status --format json` (cloud-init 22.2 and later, e.g. 22.4.2 on Debian 12), else those
 * of /run/cloud-init/result.json (every version that writes it). A failed module appears there as
 * "('locale', ProcessExecutionError(...))"; its name is what the report keeps.
 */
import type {Client} from 'ssh2'
import {runCommand} from './exec.js'

/** The log that names the cause of every failed module, on the VM. */
export const CLOUD_INIT_LOG = '/var/log/cloud-init.log'

export interface CloudInitReport {
  /** Modules that raised, in the order cloud-init lists them (e.g. ['locale']). */
  failedModules: string[]
  /** The other errors (a stage that failed as a whole), each cut to one line. */
  otherErrors: string[]
  /** Where the errors came from, or undefined when neither source could be read. */
  source?: 'cloud-init status --format json' | '/run/cloud-init/result.json'
}

const MODULE_ERROR = /^\(\s*'([A-Za-z0-9_-]+)'\s*,/

/** The errors listed by a status JSON (`errors`) or a result.json (`v1.errors`); undefined when `text` is neither. */
export function errorsOf(text: string): string[] | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const record = parsed as {errors?: unknown; v1?: {errors?: unknown}}
  const errors = Array.isArray(record.errors) ? record.errors : Array.isArray(record.v1?.errors) ? record.v1.errors : undefined
  return errors?.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))
}

/** Splits error strings into failed module names and the rest (one line each, at most 200 characters). */
export function classify(errors: readonly string[]): Pick<CloudInitReport, 'failedModules' | 'otherErrors'> {
  const failedModules: string[] = []
  const otherErrors: string[] = []
  for (const error of errors) {
    const name = MODULE_ERROR.exec(error)?.[1]
    if (name !== undefined) {
      if (!failedModules.includes(name)) failedModules.push(name)
    } else {
      const line = error.replace(/\s+/g, ' ').trim()
      otherErrors.push(line.length > 200 ? `${line.slice(0, 199)}…` : line)
    }
  }
  return {failedModules, otherErrors}
}

/** Reads the report of the last cloud-init run (both sources are readable without root). */
export async function readCloudInitReport(client: Client): Promise<CloudInitReport> {
  const sources = [
    ['cloud-init status --format json', 'cloud-init status --format json 2>/dev/null'],
    ['/run/cloud-init/result.json', 'cat /run/cloud-init/result.json 2>/dev/null'],
  ] as const
  let empty: CloudInitReport = {failedModules: [], otherErrors: []}
  for (const [source, command] of sources) {
    // status exits 1 when cloud-init failed: its JSON on stdout is what counts, not its exit code.
    const errors = errorsOf((await runCommand(client, command)).stdout)
    if (errors !== undefined && errors.length > 0) return {...classify(errors), source}
    if (errors !== undefined && empty.source === undefined) empty = {...empty, source}
  }
  return empty
}

/** "module(s) locale, users-groups failed" or what else cloud-init reported, for a message. */
export function describeReport(report: CloudInitReport): string {
  const parts: string[] = []
  if (report.failedModules.length > 0) {
    parts.push(`module${report.failedModules.length === 1 ? '' : 's'} ${report.failedModules.join(', ')} failed`)
  }
  parts.push(...report.otherErrors)
  if (parts.length === 0) return report.source === undefined ? 'it reported an error (its status could not be read)' : 'it reported an error without details'
  return parts.join('; ')
}
