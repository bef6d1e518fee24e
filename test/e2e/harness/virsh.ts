import {run} from './exec.js'
import type {CmdOptions, CmdResult} from './exec.js'
import type {E2eHost} from './host.js'

/** `virsh -c <the run's URI> ARGS`, from outside the namespace (through the daemon's socket). */
export async function virsh(host: E2eHost, args: readonly string[], options: CmdOptions = {}): Promise<CmdResult> {
  return run('virsh', ['-c', host.uri, ...args], options)
}

/** The non-empty lines of a virsh listing such as `list --all --name`. */
export async function virshNames(host: E2eHost, args: readonly string[]): Promise<string[]> {
  const {stdout} = await virsh(host, args)
  return stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '')
}
