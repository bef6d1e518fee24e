// A cloud cluster for the e2e tests: a config for the cached guest image (direct kernel boot, TCG,
// 1 GiB and 1 vCPU per node) with a control plane, a CPU worker and a GPU worker that is defined but
// not started (auto_start: false; its GPU does not exist on the CI host), deployed by the stand-in
// playbook of examples/kube-standin (a small TLS service on the control plane that speaks the
// Kubernetes API paths ai-how uses; Kubespray cannot run without the internet).
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import type {E2eHost, GuestImage, SshTarget} from '../harness/index.js'
import {repoRoot, sshRun} from '../harness/index.js'
import type {E2eCluster} from '../hpc/cluster.js'

export const STANDIN_PLAYBOOK = path.join(repoRoot, 'examples', 'kube-standin', 'standin-deploy.yml')
/** A PCI address that no CI host has: the GPU worker can be defined, never started. */
export const ABSENT_GPU = '0000:7e:1f.7'

export const cloudVms = (c: E2eCluster): string[] => [`${c.name}-control-plane`, `${c.name}-cpu-worker-01`, `${c.name}-gpu-worker-01`]

function node(image: GuestImage, ipKey: string, ip: string, extra: string[] = []): string[] {
  return ['cpu_cores: 1', 'memory_gb: 1', 'disk_gb: 10', `${ipKey}: ${ip}`, `kernel: ${image.kernel}`, `initrd: ${image.initrd}`, `cmdline: ${JSON.stringify(image.cmdline)}`, ...extra]
}

/** Writes the cloud config of `c` (deploy playbook: the stand-in unless `playbook` says otherwise). */
export async function writeCloudConfig(c: E2eCluster, image: GuestImage, playbook = STANDIN_PLAYBOOK): Promise<void> {
  const item = (lines: string[]): string[] => lines.map((l, i) => `${i === 0 ? '      - ' : '        '}${l}`)
  const gpu = ['auto_start: false', 'pcie_passthrough:', '  enabled: true', '  devices:', `    - {pci_address: "${ABSENT_GPU}", device_type: gpu}`]
  const text = [
    'version: "1.0"',
    'metadata:', `  name: ${c.name}`, '  description: ai-how e2e cloud cluster',
    'clusters:', '  cloud:',
    `    name: ${c.name}`,
    `    base_image_path: ${image.image}`,
    '    network:', `      subnet: ${c.subnet}.0/24`, `      bridge: br${c.name.slice(-10)}`,
    '    hardware:', '      acceleration:', '        enable_kvm: false',
    '    control_plane:', ...node(image, 'ip_address', c.controllerIp).map((l) => `      ${l}`),
    '    worker_nodes:', ...item(node(image, 'ip', `${c.subnet}.11`)), ...item(node(image, 'ip', `${c.subnet}.12`, gpu)),
    '    kubernetes_config:', '      cni: calico', '      ingress: nginx', '      storage_class: local-path', `      playbook: ${playbook}`,
    '    ssh:', `      user: ${image.user}`,
    '',
  ].join('\n')
  await mkdir(path.dirname(c.config), {recursive: true})
  await writeFile(c.config, text)
}

export interface CloudNodeEntry {
  vm_name: string
  vm_id: string
  ip: string
  mac: string
  role: string
  state: string
  gpu?: string
  pci_devices?: string[]
}

export interface CloudEntry {
  name: string
  config_file: string
  status: string
  network: {name: string; subnet: string}
  pool: {name: string}
  kubernetes: {kubeconfig: string | null; healthy: boolean | null; cordoned: string[]; nodes_ready?: string}
  nodes: Record<string, CloudNodeEntry>
}

export async function readCloudState(c: E2eCluster): Promise<{doc: Record<string, unknown>; entry: CloudEntry | undefined}> {
  const doc = JSON.parse(await readFile(c.state, 'utf8')) as Record<string, unknown>
  return {doc, entry: doc.cloud_cluster as CloudEntry | undefined}
}

/** One mutating request the stand-in API saw (a line of its audit log on the control plane). */
export interface StandinAudit {
  verb: string
  node?: string
  pod?: string
  unschedulable?: boolean
  code: number
}

/** The stand-in's audit log, read over SSH on the control plane (empty before its deploy). */
export async function standinAudit(host: E2eHost, controlPlane: SshTarget): Promise<StandinAudit[]> {
  const probe = await sshRun(host, controlPlane, 'sudo cat /var/lib/kube-standin/audit.jsonl 2>/dev/null || true', 60_000)
  return probe.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as StandinAudit)
}
