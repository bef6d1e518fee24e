/**
 * A cloud cluster for tests of CloudVMManager without guests: a control plane at 127.0.0.1 (where
 * the fake Kubernetes API listens), a CPU worker and an auto_start: false GPU worker, over the
 * in-memory FakeHypervisor; a GuestRunner that answers admin.conf with the fake API's kubeconfig
 * (its server on another host, which the manager must rewrite) and records every command; a
 * Deployer that records its calls and succeeds or fails on demand; the real cloud health checker.
 * Not used at runtime.
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type {ClusterContext, ClusterContributions, ClusterDescription, DeployResult, Deployer, HostCheckResult, Logger, NodeContribution, NodeDescription} from '@ai-how/core'
import {LibvirtRenderer, nodeKeys, vmName} from '@ai-how/plugin-hpc'
import {FakeHypervisor} from '@ai-how/plugin-hpc/testing'
import type {ClusterManagerDeps, RunSettings, SshWaiter, VmClusterSpec} from '@ai-how/plugin-hpc'
import {nodeObject, podObject, startFakeApi} from '../../k8s/testing/fake-api.js'
import type {FakeApi} from '../../k8s/testing/fake-api.js'
import {CLOUD_ROLES} from '../../kind/describe.js'
import type {CloudClusterConfig} from '../../kind/types.js'
import {SHIPPED_PLAYBOOK} from '../deploy-source.js'
import type {GuestRunner} from '../guest.js'
import {cloudHealthChecker} from '../health.js'
import {CloudVMManager} from '../manager.js'
import type {CloudOptions} from '../options.js'
import {CLOUD_STATE_KEY} from '../spec.js'

export const NAME = 'cloud-cluster'
export const CP = vmName(NAME, nodeKeys.controlPlane)
export const CPU = vmName(NAME, nodeKeys.cpuWorker(1))
export const GPU = vmName(NAME, nodeKeys.gpuWorker(1))
export const GPU_PCI = '0000:01:00.0'
export const GPU_SUMMARY = 'NVIDIA RTX A6000'

function node(key: string, role: string, ip: string, extra: Partial<NodeDescription> = {}): NodeDescription {
  return {key, vmName: vmName(NAME, key), role, ip, path: [], ipPath: [], cpuCores: 1, memoryGb: 1, diskGb: 10, devices: [], autoStart: true, ...extra}
}

/** The control plane at 127.0.0.1 so that the rewritten kubeconfig reaches the fake API. */
export function cloudCluster(): ClusterDescription {
  return {
    kind: 'cloud',
    name: NAME,
    namePath: [],
    network: {subnet: '127.0.0.0/24', bridge: 'virbr200', gateway: '127.0.0.254', path: [], subnetPath: [], bridgePath: []},
    nodes: [
      node(nodeKeys.controlPlane, CLOUD_ROLES.controlPlane, '127.0.0.1'),
      node(nodeKeys.cpuWorker(1), CLOUD_ROLES.worker, '127.0.0.11'),
      node(nodeKeys.gpuWorker(1), CLOUD_ROLES.worker, '127.0.0.12', {autoStart: false, devices: [{pciAddress: GPU_PCI, deviceType: 'gpu', vendorId: '10de', path: []}]}),
    ],
    libvirtUri: 'test:///fake',
  }
}

export function cloudSection(image: string): CloudClusterConfig {
  const spec = {cpu_cores: 1, memory_gb: 1, disk_gb: 10}
  return {
    name: NAME,
    base_image_path: image,
    network: {subnet: '127.0.0.0/24', bridge: 'virbr200', gateway_ip: '127.0.0.254'},
    control_plane: {...spec, ip_address: '127.0.0.1'},
    worker_nodes: [
      {...spec, ip: '127.0.0.11'},
      {...spec, ip: '127.0.0.12', auto_start: false, pcie_passthrough: {enabled: true, devices: [{pci_address: GPU_PCI, device_type: 'gpu'}]}},
    ],
    kubernetes_config: {cni: 'calico', ingress: 'nginx', storage_class: 'local-path'},
  }
}

/** Nodes Ready; kube-system pods that a drain leaves alone (static and DaemonSet); one workload pod on the CPU worker. */
export function cloudApi(): Promise<FakeApi> {
  const sys = {namespace: 'kube-system'}
  return startFakeApi({
    nodes: [nodeObject(CP, {controlPlane: true, ip: '127.0.0.1'}), nodeObject(CPU, {ip: '127.0.0.11'})],
    pods: [
      podObject(`kube-apiserver-${CP}`, {...sys, node: CP, owner: 'Node'}),
      podObject('calico-node-4kq9z', {...sys, node: CPU, owner: 'DaemonSet'}),
      podObject('web-7c5ddbdf54-abcde', {node: CPU}),
    ],
  })
}

export interface GuestCall {
  host: string
  command: readonly string[]
}

export interface DeployCall {
  inventoryPath: string
  /** The hosts the manager says the recap must cover (DeployProgress.hosts). */
  hosts: readonly string[] | undefined
}

export interface CloudFixture {
  dir: string
  hv: FakeHypervisor
  spec: VmClusterSpec
  deps: ClusterManagerDeps
  ctx: ClusterContext
  section: CloudClusterConfig
  warnings: string[]
  /** What contributions.hostChecks(nodes) answers. */
  hostChecks: (nodes: readonly NodeDescription[] | undefined) => HostCheckResult[]
  /** The kubeconfig text the control plane's admin.conf holds (set by useApi). */
  adminConf: {text?: string}
  guestCalls: GuestCall[]
  deployCalls: DeployCall[]
  /** The deployer's answer: ok, or this failure. */
  deployFailure: {failure?: string}
  deployer: Deployer
  run: RunSettings
}

const folders: string[] = []

export async function removeCloudFixtures(): Promise<void> {
  await Promise.all(folders.splice(0).map((d) => rm(d, {recursive: true, force: true})))
}

export async function cloudFixture(): Promise<CloudFixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-cloud-'))
  folders.push(dir)
  const image = path.join(dir, 'base.qcow2')
  await writeFile(image, 'not really qcow2')
  const cluster = cloudCluster()
  const section = cloudSection(image)
  const warnings: string[] = []
  const log: Logger = {info: () => undefined, debug: () => undefined, warn: (m) => warnings.push(m)}
  const outputDir = path.join(dir, 'output')
  const gpu: NodeContribution = {devicesXml: [], disableGraphics: true, summary: GPU_SUMMARY}
  const f = {} as CloudFixture
  const contributions: ClusterContributions = {
    hostChecks: (nodes) => Promise.resolve(f.hostChecks(nodes)),
    forNode: (n) => Promise.resolve(n.devices.length > 0 ? [gpu] : []),
    lifecycle: () => Promise.resolve(),
  }
  const waiter: SshWaiter = (nodes) => Promise.resolve(nodes.map((n) => ({host: n.host, attempts: 1, elapsedMs: 10})))
  const spec: VmClusterSpec = {
    cluster,
    stateKey: CLOUD_STATE_KEY,
    statePath: path.join(outputDir, 'state.json'),
    outputDir,
    configFile: path.join(dir, 'cloud.yaml'),
    baseImagePath: image,
    poolPath: `/var/lib/libvirt/images/ai-how/${NAME}`,
    consoleLogDir: '/var/log/libvirt/qemu',
    cpu: {enableKvm: false},
    nodeOptions: () => ({}),
    ssh: {user: 'debian', knownHostsFile: path.join(outputDir, 'keys', NAME, 'known_hosts')},
    concurrency: 4,
    sshTimeoutMs: 5000,
  }
  const hv = new FakeHypervisor()
  const deps: ClusterManagerDeps = {hypervisor: hv, renderer: new LibvirtRenderer(), contributions, log, seedBuilder: async (view, file) => { await writeFile(file, JSON.stringify(view)) }, waitForSsh: waiter, sshPowerOff: () => Promise.resolve({accepted: false, detail: 'no SSH session (test)'})}
  const ctx = {kind: 'cloud', cluster, section, outputDir, statePath: spec.statePath, options: {}, loaded: {file: spec.configFile}, log, signal: new AbortController().signal, contributions} as unknown as ClusterContext
  const deployCalls: DeployCall[] = []
  const deployFailure: {failure?: string} = {}
  const logFile = path.join(outputDir, 'logs', NAME, 'deploy-test.log')
  const deployer: Deployer = {
    deploy: (_ctx, inventoryPath, progress): Promise<DeployResult> => {
      deployCalls.push({inventoryPath, hosts: progress?.hosts})
      const failure = deployFailure.failure
      if (failure === undefined) return Promise.resolve({ok: true, summary: 'deploy-cloud-cluster.yml succeeded on 2 node(s)', logFile, playbook: SHIPPED_PLAYBOOK, exitCode: 0})
      return Promise.resolve({ok: false, summary: 'deploy-cloud-cluster.yml failed (exit 2)', logFile, playbook: SHIPPED_PLAYBOOK, exitCode: 2, failure})
    },
  }
  return Object.assign(f, {
    dir, hv, spec, deps, ctx, section, warnings, deployer, deployCalls, deployFailure,
    hostChecks: () => [],
    adminConf: {},
    guestCalls: [],
    run: {json: true, keepOnFailure: false, handleSigint: false},
  })
}

/** The fake GuestRunner: admin.conf from f.adminConf, `systemctl stop` of kubelet and containerd. */
export function fakeGuest(f: CloudFixture): GuestRunner {
  return (host, command) => {
    f.guestCalls.push({host, command})
    if (command.join(' ') === 'sudo -n cat /etc/kubernetes/admin.conf') {
      const text = f.adminConf.text
      return Promise.resolve(text === undefined ? {stdout: '', stderr: 'cat: /etc/kubernetes/admin.conf: No such file or directory', exitCode: 1, signal: null} : {stdout: text, stderr: '', exitCode: 0, signal: null})
    }
    return Promise.resolve({stdout: 'kubelet\ncontainerd\n', stderr: '', exitCode: 0, signal: null})
  }
}

/** admin.conf of the control plane: the fake API's kubeconfig, its server on another host (the manager rewrites it). */
export function useApi(f: CloudFixture, api: FakeApi): void {
  f.adminConf.text = api.kubeconfig().replace(`https://127.0.0.1:${api.port}`, `https://10.9.9.9:${api.port}`)
}

/** The manager as the provisioner builds it, with short deadlines (drain 1 s, health 1.5 s). */
export function cloudManager(f: CloudFixture, options: Partial<CloudOptions> = {}): CloudVMManager {
  const cloud: CloudOptions = {section: f.section, skipDeploy: false, skipDrain: false, drainTimeoutMs: 1000, healthTimeoutMs: 1500, guest: fakeGuest(f), ...options}
  return new CloudVMManager(f.spec, {...f.deps, extensions: {ctx: f.ctx, deployer: f.deployer, healthChecker: cloudHealthChecker}}, cloud)
}

/** A fixture whose control plane's admin.conf points at a fresh fake API (closed after the test). */
export async function cloudFixtureWithApi(t: {after: (fn: () => Promise<void>) => void}): Promise<{f: CloudFixture; api: FakeApi}> {
  const f = await cloudFixture()
  const api = await cloudApi()
  t.after(() => api.close())
  useApi(f, api)
  return {f, api}
}
