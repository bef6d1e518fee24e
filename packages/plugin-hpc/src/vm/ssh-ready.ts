/**
 * Waits until the started nodes answer SSH with the cluster key at their address: the configured
 * IP, or for a DHCP node the live one (polled from leases, agent, ARP in a bounded number of virsh
 * processes). Every node has its own deadline; the cluster's known_hosts already lists their host keys.
 * Then each node must have what ai-how needs (cloud-init finished, passwordless sudo, its hostname);
 * a failed cloud-init module is a warning naming the node, unless strictCloudInit.
 */
import {setTimeout as sleep} from 'node:timers/promises'
import {AiHowError} from '@ai-how/core'
import type {NodeDescription} from '@ai-how/core'
import type {Hypervisor} from '../hypervisor/types.js'
import {macForVm, networkName} from '../naming/index.js'
import type {SshReady, WaitForSshOptions} from '../ssh/wait.js'
import {watchDomains} from './domain-watch.js'
import {consoleLogPath} from './paths.js'
import {defaultClock} from './phase-timer.js'
import type {Clock} from './phase-timer.js'
import type {SshWaiter} from './types.js'

export interface SshReadyParams {
  hv: Hypervisor
  cluster: string
  nodes: readonly NodeDescription[]
  user: string
  privateKey: string
  knownHostsFile: string
  deadlineMs: number
  consoleLogDir: string
  waiter: SshWaiter
  signal: AbortSignal
  progress: (line: string) => void
  /** Any cloud-init failure fails its node (default false: a warning through `warn`). */
  strictCloudInit?: boolean
  /** Where the warnings of ready nodes go (a failed cloud-init module), once every node is ready. */
  warn?: (message: string) => void
  /** VM names restored from a managed save: they did not boot, so cloud-init is not waited for. */
  restored?: ReadonlySet<string>
  /** How often the domains are checked to still run while SSH is awaited (default WATCH_INTERVAL_MS). */
  watchIntervalMs?: number
  /** The clock of the start's timings (ms): NodeReady's sshAt and readyAt are read on it. Default: performance.now. */
  clock?: Clock
}

/** Live addresses of the DHCP nodes, polled until each has one or the deadline passes. */
async function discoverAddresses(p: SshReadyParams, nodes: readonly NodeDescription[], deadline: number): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  const network = networkName(p.cluster)
  while (found.size < nodes.length) {
    const missing = nodes.filter((n) => !found.has(n.vmName))
    const live = await p.hv.domainAddresses(missing.map((n) => ({domain: n.vmName, mac: macForVm(n.vmName), network})))
    for (const [name, address] of live) found.set(name, address.ip)
    if (found.size === nodes.length) break
    if (Date.now() >= deadline) {
      const names = nodes.filter((n) => !found.has(n.vmName)).map((n) => n.vmName)
      throw new AiHowError(`no IP address was seen for ${names.join(', ')} within ${Math.round(p.deadlineMs / 1000)} s`, {
        code: 'SSH_NO_ADDRESS',
        actions: [`Check the leases with virsh net-dhcp-leases ${network}, and the console logs (${consoleLogPath(names[0] ?? '', p.consoleLogDir)}).`],
      })
    }
    p.progress(`waiting for the address of ${missing.length} DHCP node(s)`)
    await sleep(3000, undefined, {signal: p.signal})
  }
  return found
}

export interface NodeReady extends SshReady {
  name: string
  /** On the params' clock: when SSH first accepted the key, and when the node was ready (cloud-init done). */
  sshAt?: number
  readyAt?: number
}

export async function waitForNodesSsh(p: SshReadyParams): Promise<NodeReady[]> {
  const start = Date.now()
  const dhcp = p.nodes.filter((n) => n.ip === undefined)
  const addresses = await discoverAddresses(p, dhcp, start + p.deadlineMs)
  const targets: WaitForSshOptions[] = p.nodes.map((node) => ({
    host: node.ip ?? addresses.get(node.vmName) ?? '',
    hostAlias: node.vmName,
    user: p.user,
    privateKey: p.privateKey,
    knownHostsFile: p.knownHostsFile,
    deadlineMs: Math.max(1000, p.deadlineMs - (Date.now() - start)),
    waitForCloudInit: p.restored?.has(node.vmName) !== true,
    strictCloudInit: p.strictCloudInit === true,
    expectedHostname: node.vmName,
    hints: {consoleLogPath: consoleLogPath(node.vmName, p.consoleLogDir), networkName: networkName(p.cluster), domainName: node.vmName},
    log: p.progress,
  }))
  let ready = 0
  const clock = p.clock ?? defaultClock
  const t0 = clock()
  // A domain that shuts off meanwhile, or a libvirt that stops answering, ends the wait at once.
  const stop = new AbortController()
  const done = new AbortController()
  const watching = watchDomains(p.hv, p.nodes.map((n) => n.vmName), stop, done.signal, p.watchIntervalMs)
  let results: SshReady[]
  try {
    results = await p.waiter(targets.map((t) => ({...t, log: (line: string) => {
      if (line.includes('ready after')) ready += 1
      p.progress(`${ready}/${targets.length} ready; ${line}`)
    }})), {concurrency: Math.max(1, targets.length), signal: AbortSignal.any([p.signal, stop.signal])})
  } catch (error) {
    p.signal.throwIfAborted()
    if (stop.signal.aborted) throw stop.signal.reason
    throw error
  } finally {
    done.abort()
    await watching
  }
  // Every node succeeded (a failure throws), so the results are in the order of the targets.
  for (const warning of results.flatMap((r) => r.warnings ?? [])) p.warn?.(warning)
  return results.map((r, i) => ({...r, name: targets[i]?.hostAlias ?? r.host, readyAt: t0 + r.elapsedMs, ...(r.connectedMs === undefined ? {} : {sshAt: t0 + r.connectedMs})}))
}
