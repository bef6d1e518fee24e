/**
 * The work after a node answers SSH, folded into one command on one channel (an extra channel
 * costs 50-80 ms on an idle TCG guest, more on one still busy after its boot): `cloud-init status --wait`, then `sudo -n true`, then
 * `uname -n` (only when a hostname is expected). The script prints each exit status, and frames the
 * checks' outputs, with marker lines that carry a random nonce, so that nothing a guest prints (a
 * hostname, sudo's stderr) can pass for a marker. It runs under `sh -c` whatever the user's login
 * shell, and when `skipChecksOnFailure` it stops after a failed cloud-init (strict: the node fails
 * as CLOUD_INIT_FAILED without them).
 */
import {randomBytes} from 'node:crypto'
import os from 'node:os'
import type {ExecResult} from './exec.js'

export const CLOUD_INIT_WAIT = 'cloud-init status --wait'
export const SUDO_CHECK = 'sudo -n true'
export const HOSTNAME_CHECK = 'uname -n'

export interface GuestProbe {
  /** The command line for the guest's login shell. */
  command: string
  nonce: string
}

/** What one check printed and its exit status (null when its end marker is missing: it was cut short). */
export interface CheckOutput {exitCode: number | null; stdout: string; stderr: string}

export interface ProbeOutput {
  /** The exit status of `cloud-init status --wait`; undefined when the script did not get that far. */
  cloudInitExit?: number
  sudo?: CheckOutput
  uname?: CheckOutput
}

/** One check: its outputs between a begin and an end marker on stdout and on stderr, its status on stdout's end marker. */
function framed(name: string, command: string): string {
  return [
    `printf "\\n%s begin ${name}\\n" "$n"`, `printf "\\n%s begin ${name}\\n" "$n" >&2`,
    command, 's=$?',
    `printf "\\n%s end ${name} %s\\n" "$n" "$s"`, `printf "\\n%s end ${name}\\n" "$n" >&2`,
  ].join('; ')
}

/** The folded command; `nonce` is for tests (default: 16 random bytes, hex). */
export function guestProbe(options: {checkHostname: boolean; skipChecksOnFailure: boolean; nonce?: string}): GuestProbe {
  const nonce = options.nonce ?? `ai-how-${randomBytes(16).toString('hex')}`
  if (!/^[A-Za-z0-9-]+$/.test(nonce)) throw new Error(`invalid nonce ${nonce}`)
  const script = [
    `n=${nonce}`,
    `${CLOUD_INIT_WAIT} >/dev/null 2>&1`, 'c=$?', 'printf "\\n%s cloud-init %s\\n" "$n" "$c"',
    // Above 128: killed by a signal (the probe is retried, as a killed `cloud-init status --wait` always was).
    'if [ "$c" -gt 128 ]; then exit 0; fi',
    ...(options.skipChecksOnFailure ? ['if [ "$c" -ne 0 ] && [ "$c" -ne 2 ]; then exit 0; fi'] : []),
    framed('sudo', SUDO_CHECK),
    ...(options.checkHostname ? [framed('uname', HOSTNAME_CHECK)] : []),
  ].join('; ')
  // The script holds no single quote: it goes through the login shell as one word, unchanged.
  return {command: `sh -c '${script}'`, nonce}
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The text between `begin` and the first `end` after it (its status in group 1, if any); undefined without `begin`. */
function section(text: string, begin: string, end: RegExp): {body: string; status?: string} | undefined {
  const start = text.indexOf(begin)
  if (start < 0) return undefined
  const from = start + begin.length
  const rest = text.slice(from)
  const match = end.exec(rest)
  return match === null ? {body: rest} : {body: rest.slice(0, match.index), ...(match[1] === undefined ? {} : {status: match[1]})}
}

function check(result: ExecResult, nonce: string, name: string): CheckOutput | undefined {
  const n = escape(nonce)
  const out = section(result.stdout, `\n${nonce} begin ${name}\n`, new RegExp(`\\n${n} end ${name} (\\d+)\\n`))
  if (out === undefined) return undefined
  const err = section(result.stderr, `\n${nonce} begin ${name}\n`, new RegExp(`\\n${n} end ${name}\\n`))
  return {exitCode: out.status === undefined ? null : Number(out.status), stdout: out.body, stderr: err?.body ?? ''}
}

/** Reads the statuses and outputs from what the folded command printed. */
export function parseProbe(result: ExecResult, nonce: string): ProbeOutput {
  const status = new RegExp(`^${escape(nonce)} cloud-init (\\d+)$`, 'm').exec(result.stdout)?.[1]
  const sudo = check(result, nonce, 'sudo')
  const uname = check(result, nonce, 'uname')
  return {
    ...(status === undefined ? {} : {cloudInitExit: Number(status)}),
    ...(sudo === undefined ? {} : {sudo}),
    ...(uname === undefined ? {} : {uname}),
  }
}

/** 'SIGTERM' for 143 (128 + the signal's number; ssh2 names a killed command's signal so too), else the number itself. */
export function signalOf(status: number): string {
  const number = status - 128
  const name = Object.entries(os.constants.signals).find(([, value]) => value === number)?.[0]
  return name ?? String(status)
}
