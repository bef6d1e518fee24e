// An hpc cluster for the e2e tests: a config file written for the cached guest image (direct kernel
// boot, TCG, 1 GiB and 1 vCPU per node), unique names and subnet per run, and readers of what
// ai-how leaves in its output folder (state entry, cluster key, known_hosts).
import {randomBytes} from 'node:crypto'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import type {GuestImage} from '../harness/index.js'
import {e2eDir} from '../harness/index.js'

export interface E2eNode {
  ip: string
  /** A kernel command line of its own (e.g. one that can never boot). */
  cmdline?: string
  /** A base image of its own (e.g. one that does not exist). */
  image?: string
  /** PCI addresses of GPUs passed through to the node. */
  gpus?: string[]
}

export interface E2eCluster {
  name: string
  subnet: string
  controllerIp: string
  dir: string
  config: string
  state: string
  output: string
  privateKey: string
  knownHosts: string
}

/** Unique names for one run: cluster `e2e-<tag>-<hex>`, subnet 10.<200-249>.<1-250>.0/24. */
export function planCluster(dir: string, tag: string): E2eCluster {
  const id = randomBytes(3).toString('hex')
  const name = `e2e-${tag}-${id}`
  const bytes = randomBytes(2)
  const subnet = `10.${200 + ((bytes[0] ?? 0) % 50)}.${1 + ((bytes[1] ?? 0) % 250)}`
  const output = path.join(dir, 'output')
  return {
    name, subnet, controllerIp: `${subnet}.10`, dir, config: path.join(dir, `${name}.yaml`), state: path.join(output, 'state.json'), output,
    privateKey: path.join(output, 'keys', name, 'id_ed25519'), knownHosts: path.join(output, 'keys', name, 'known_hosts'),
  }
}

function nodeLines(image: GuestImage, node: E2eNode, ipKey: string): string[] {
  const gpus = node.gpus ?? []
  return [
    'cpu_cores: 1', 'memory_gb: 1', 'disk_gb: 10', `${ipKey}: ${node.ip}`,
    `kernel: ${image.kernel}`, `initrd: ${image.initrd}`, `cmdline: ${JSON.stringify(node.cmdline ?? image.cmdline)}`,
    ...(node.image === undefined ? [] : [`base_image_path: ${node.image}`]),
    ...(gpus.length === 0 ? [] : ['pcie_passthrough:', '  enabled: true', '  devices:', ...gpus.map((a) => `    - {pci_address: "${a}", device_type: gpu}`)]),
  ]
}

/** Writes the config of `c` with a controller and these compute nodes (and the smoke playbook as deploy playbook). */
export async function writeConfig(c: E2eCluster, image: GuestImage, computes: readonly E2eNode[]): Promise<void> {
  const indent = (lines: string[], first: string, rest: string): string[] => lines.map((l, i) => `${i === 0 ? first : rest}${l}`)
  const text = [
    'version: "1.0"',
    'metadata:', `  name: ${c.name}`, '  description: ai-how e2e hpc cluster',
    'clusters:', '  hpc:',
    `    name: ${c.name}`,
    `    base_image_path: ${image.image}`,
    '    network:', `      subnet: ${c.subnet}.0/24`, `      bridge: br${c.name.slice(-10)}`,
    '    hardware:', '      acceleration:', '        enable_kvm: false',
    '    controller:', ...indent(nodeLines(image, {ip: c.controllerIp}, 'ip_address'), '      ', '      '),
    '    compute_nodes:', ...computes.flatMap((n) => indent(nodeLines(image, n, 'ip'), '      - ', '        ')),
    '    slurm_config:', '      partitions: [compute]', '      default_partition: compute',
    '    ssh:', `      user: ${image.user}`,
    '    deploy:', `      playbook: ${path.join(e2eDir, 'playbooks', 'smoke.yml')}`,
    '',
  ].join('\n')
  await mkdir(path.dirname(c.config), {recursive: true})
  await writeFile(c.config, text)
}

export interface StateNode {
  vm_name: string
  vm_id: string
  ip: string
  state: string
}

export interface StateEntry {
  name: string
  status: string
  nodes: Record<string, StateNode>
  [key: string]: unknown
}

export async function readState(c: E2eCluster): Promise<{text: string; entry: StateEntry | undefined}> {
  const text = await readFile(c.state, 'utf8')
  const doc = JSON.parse(text) as {hpc_cluster?: StateEntry}
  return {text, entry: doc.hpc_cluster}
}

/** The host key recorded for `ip` in the cluster's known_hosts ("ssh-ed25519 AAAA..."). */
export async function recordedHostKey(c: E2eCluster, ip: string): Promise<string | undefined> {
  const lines = (await readFile(c.knownHosts, 'utf8')).split('\n')
  const line = lines.find((l) => l.split(' ')[0]?.split(',').includes(ip))
  return line?.split(' ').slice(1, 3).join(' ')
}

/** The last JSON document on stdout (ai-how --json prints one). */
export function parseJson(stdout: string): unknown {
  const start = stdout.indexOf('{')
  if (start === -1) throw new Error(`no JSON on stdout: ${stdout.slice(0, 500)}`)
  return JSON.parse(stdout.slice(start))
}
