import {run} from './exec.js'
import type {CmdOptions, CmdResult} from './exec.js'
import type {E2eHost} from './host.js'

/**
 * Runs FILE inside the run's network namespace and the daemon's mount namespace (so it sees the
 * same /var/lib/libvirt, /etc/libvirt, ... as libvirtd, and reaches the guests). The working folder
 * is kept (options.cwd, else this process's).
 */
export async function inNetns(
  host: E2eHost,
  file: string,
  args: readonly string[],
  options: CmdOptions = {},
): Promise<CmdResult> {
  const cwd = options.cwd ?? process.cwd()
  return run('nsenter', nsenterArgs(host, cwd, file, args), {...options, cwd})
}

/**
 * nsenter's arguments for FILE ARGS in the run's namespaces (entered through virtlogd, which runs in
 * them also while a test has stopped libvirtd); nsenter execs FILE (no fork), so signals reach it.
 */
export function nsenterArgs(host: E2eHost, cwd: string, file: string, args: readonly string[]): string[] {
  return ['-t', String(host.virtlogdPid), '-n', '-m', `--wd=${cwd}`, '--', file, ...args]
}
