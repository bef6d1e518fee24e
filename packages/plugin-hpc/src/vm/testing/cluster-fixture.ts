/**
 * A small VM cluster for tests of the lifecycle logic: a description with a controller and N
 * compute nodes, a spec whose files live in a temp folder, and deps with the FakeHypervisor, a seed
 * builder that writes a plain file, an SSH waiter that answers at once (or fails on demand), and
 * contributions that record every lifecycle call.
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type {ClusterContributions, ClusterDescription, HostCheckResult, Logger, NodeContribution, NodeDescription, NodeLifecyclePhase} from '@ai-how/core'
import {LibvirtRenderer} from '../../render/renderer.js'
import {nodeKeys, vmName} from '../../naming/index.js'
import type {ClusterManagerDeps, RunSettings, SshWaiter, VmClusterSpec} from '../types.js'
import {FakeHypervisor} from './fake-hypervisor.js'

export function fixtureNode(cluster: string, key: string, role: string, ip: string, extra: Partial<NodeDescription> = {}): NodeDescription {
  return {key, vmName: vmName(cluster, key), role, ip, path: [], ipPath: [], cpuCores: 1, memoryGb: 1, diskGb: 10, devices: [], autoStart: true, ...extra}
}

export function fixtureCluster(name: string, computes: number, subnet = '10.50.0'): ClusterDescription {
  const nodes = [fixtureNode(name, 'controller', 'controller', `${subnet}.10`)]
  for (let i = 1; i <= computes; i++) nodes.push(fixtureNode(name, nodeKeys.compute(i), 'compute', `${subnet}.${10 + i}`))
  return {
    kind: 'hpc',
    name,
    namePath: [],
    network: {subnet: `${subnet}.0/24`, bridge: `br-${name}`.slice(0, 15), path: [], subnetPath: [], bridgePath: []},
    nodes,
    libvirtUri: 'test:///fake',
  }
}

export interface LifecycleCall {
  phase: NodeLifecyclePhase
  node: string
}

export interface Fixture {
  dir: string
  hv: FakeHypervisor
  spec: VmClusterSpec
  deps: ClusterManagerDeps
  lifecycle: LifecycleCall[]
  /** Node keys whose before-start throws GPU_BUSY. */
  busy: Set<string>
  /** Contributions returned by forNode, by node key. */
  contributions: Map<string, NodeContribution>
  /** Makes the SSH waiter fail (or answer again with undefined). */
  sshFailure: {error?: Error}
  sshCalls: string[][]
  /** `user@host alias` of each poweroff asked over SSH. */
  sshPowerOffs: string[]
  /** user@host alias of each clock step over SSH (a restored node without an answering agent). */
  sshClockSteps: string[]
  warnings: string[]
  /** What contributions.hostChecks() answers. */
  hostChecks: HostCheckResult[]
  run: RunSettings
}

const folders: string[] = []

/** Removes the temp folders of every fixture made so far (call it from an `after` hook). */
export async function removeFixtures(): Promise<void> {
  await Promise.all(folders.splice(0).map((d) => rm(d, {recursive: true, force: true})))
}

/** A temp folder that removeFixtures() deletes. */
export async function fixtureDir(prefix = 'ai-how-vm-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix))
  folders.push(dir)
  return dir
}

export async function makeFixture(cluster: ClusterDescription, dir?: string): Promise<Fixture> {
  const root = dir ?? (await fixtureDir())
  const image = path.join(root, 'base.qcow2')
  await writeFile(image, 'not really qcow2')
  const hv = new FakeHypervisor()
  const lifecycle: LifecycleCall[] = []
  const busy = new Set<string>()
  const contributions = new Map<string, NodeContribution>()
  const sshFailure: {error?: Error} = {}
  const sshCalls: string[][] = []
  const sshPowerOffs: string[] = []
  const sshClockSteps: string[] = []
  const warnings: string[] = []
  const hostChecks: HostCheckResult[] = []
  const log: Logger = {info: () => undefined, debug: () => undefined, warn: (m) => warnings.push(m)}
  const contrib: ClusterContributions = {
    hostChecks: () => Promise.resolve(hostChecks),
    forNode: (node) => Promise.resolve([contributions.get(node.key)].filter((c): c is NodeContribution => c !== undefined)),
    lifecycle: (phase, node) => {
      lifecycle.push({phase, node: node.key})
      if (phase === 'before-start' && busy.has(node.key)) {
        return Promise.reject(Object.assign(new Error(`GPU of ${node.vmName} is held by another VM`), {code: 'GPU_BUSY', exitCode: 1, actions: []}))
      }
      return Promise.resolve()
    },
  }
  const waiter: SshWaiter = (nodes) => {
    sshCalls.push(nodes.map((n) => n.hostAlias ?? n.host))
    if (sshFailure.error) return Promise.reject(sshFailure.error)
    return Promise.resolve(nodes.map((n) => ({host: n.host, attempts: 1, elapsedMs: 10})))
  }
  const spec: VmClusterSpec = {
    cluster,
    stateKey: 'hpc_cluster',
    statePath: path.join(root, 'output', 'state.json'),
    outputDir: path.join(root, 'output'),
    configFile: path.join(root, 'cluster.yaml'),
    baseImagePath: image,
    poolPath: `/var/lib/libvirt/images/ai-how/${cluster.name}`,
    consoleLogDir: '/var/log/libvirt/qemu',
    cpu: {enableKvm: false},
    nodeOptions: () => ({}),
    ssh: {user: 'debian', knownHostsFile: path.join(root, 'output', 'keys', cluster.name, 'known_hosts')},
    concurrency: 4,
    sshTimeoutMs: 5000,
  }
  const deps: ClusterManagerDeps = {
    hypervisor: hv,
    renderer: new LibvirtRenderer(),
    contributions: contrib,
    log,
    seedBuilder: async (view, file) => { await writeFile(file, JSON.stringify(view)) },
    waitForSsh: waiter,
    // No real SSH from unit tests: a guest that cannot be reached (a test replaces it to accept).
    sshPowerOff: (target) => {
      sshPowerOffs.push(`${target.user}@${target.host} ${target.hostAlias ?? ''}`)
      return Promise.resolve({accepted: false, detail: 'no SSH session (test)'})
    },
    // The guest's clock over SSH: it was the fake hypervisor's offset behind, and is stepped to 0.
    sshClockStep: (target) => {
      sshClockSteps.push(`${target.user}@${target.host} ${target.hostAlias ?? ''}`)
      const name = target.hostAlias ?? ''
      const before = hv.clockOffsets.get(name) ?? 0
      hv.clockOffsets.set(name, 0)
      return Promise.resolve({before, after: 0})
    },
  }
  return {dir: root, hv, spec, deps, lifecycle, busy, contributions, sshFailure, sshCalls, sshPowerOffs, sshClockSteps, warnings, hostChecks, run: {json: true, keepOnFailure: false, handleSigint: false}}
}
