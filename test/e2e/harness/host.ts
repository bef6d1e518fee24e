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
  libvirtdPid: number
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
