import path from 'node:path'

import {parseEnvLines, requireKey} from './env-file.js'
import {run} from './exec.js'
import {e2eDir} from './paths.js'

/** The libvirtd that setup-host.sh runs for this test run, inside its own network namespace. */
export interface E2eHost {
  /** The network namespace: bridges, dnsmasq and guests live only there. */
  netns: string
  /** The run's folder (its private /etc/libvirt, /var/lib/libvirt, ... and the daemon logs). */
  work: string
  /** Changes when a test stops and starts the daemon again (stopLibvirtd / startLibvirtd). */
  libvirtdPid: number
  /** The run's virtlogd: lives in the namespaces as long as the run, also while libvirtd is stopped (nsenter enters through it). */
  virtlogdPid: number
  /** Reaches the daemon from anywhere (`qemu:///system?socket=...`). */
  uri: string
  /** Reaches the daemon from inside the namespace (`qemu:///system`). */
  innerUri: string
  /** Folder of the daemon logs (libvirtd.log, virtlogd.log). */
  logs: string
  /** Whether this process's call started the daemon. */
  created: boolean
}

function ensureRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('the e2e tests need root (network namespace, libvirtd, debootstrap): run them as root, see test/e2e/README.md')
  }
}

/**
 * Starts (or reuses) the namespaced libvirtd and registers this process as one of its users.
 * Set AI_HOW_E2E_NO_INSTALL=1 to skip the package check.
 */
export async function ensureHost(): Promise<E2eHost> {
  ensureRoot()
  const args = ['--auto', '--user', String(process.pid)]
  if (process.env.AI_HOW_E2E_NO_INSTALL === '1') args.unshift('--no-install')
  const {stdout} = await run(path.join(e2eDir, 'setup-host.sh'), args, {timeoutMs: 20 * 60_000})
  const values = parseEnvLines(stdout)
  const key = (name: string): string => requireKey(values, name, 'setup-host.sh')
  return {
    netns: key('AI_HOW_E2E_NETNS'),
    work: key('AI_HOW_E2E_WORK'),
    libvirtdPid: Number(key('AI_HOW_E2E_LIBVIRTD_PID')),
    virtlogdPid: Number(key('AI_HOW_E2E_VIRTLOGD_PID')),
    uri: key('AI_HOW_E2E_URI'),
    innerUri: key('AI_HOW_E2E_INNER_URI'),
    logs: key('AI_HOW_E2E_LOGS'),
    created: values.AI_HOW_E2E_CREATED === '1',
  }
}

/** This process no longer needs the daemon; the last user of a daemon the harness started stops it. */
export async function releaseHost(): Promise<void> {
  await run(path.join(e2eDir, 'teardown-host.sh'), ['--release', String(process.pid)], {timeoutMs: 120_000})
}

/**
 * Stops the run's libvirtd as a service manager would (SIGTERM): its guests, dnsmasq and virtlogd
 * keep running, and setup-host.sh neither reuses nor cleans up the daemon until startLibvirtd (or
 * until this process ends). Only for tests that run serialised: every other user loses the daemon.
 */
export async function stopLibvirtd(host: E2eHost): Promise<void> {
  const {stdout} = await run(path.join(e2eDir, 'setup-host.sh'), ['--stop-libvirtd', '--user', String(process.pid)], {timeoutMs: 60_000})
  sameRun(host, stdout, '--stop-libvirtd')
}

/** Starts the run's libvirtd again (same namespaces, folders and URI); `host.libvirtdPid` becomes its new pid. */
export async function startLibvirtd(host: E2eHost): Promise<void> {
  const {stdout} = await run(path.join(e2eDir, 'setup-host.sh'), ['--start-libvirtd'], {timeoutMs: 60_000})
  host.libvirtdPid = Number(sameRun(host, stdout, '--start-libvirtd').AI_HOW_E2E_LIBVIRTD_PID)
}

/** The KEY=VALUE lines setup-host.sh printed, checked to be those of `host`'s run. */
function sameRun(host: E2eHost, stdout: string, option: string): Record<string, string> {
  const values = parseEnvLines(stdout)
  const ns = requireKey(values, 'AI_HOW_E2E_NETNS', `setup-host.sh ${option}`)
  requireKey(values, 'AI_HOW_E2E_LIBVIRTD_PID', `setup-host.sh ${option}`)
  if (ns !== host.netns) throw new Error(`setup-host.sh ${option} acted on the daemon of namespace ${ns}, not on ${host.netns}`)
  return values
}
