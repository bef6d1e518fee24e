/** Shared by the inventory tests (not used at runtime): the cloud-small example, a fake hypervisor, ansible-inventory. */
import {execFile} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {loadConfig} from '@ai-how/core'
import type {ClusterContext, ClusterDescription, LoadedConfig} from '@ai-how/core'
import type {DomainAddress, DomainDetails, DomainState, Hypervisor, InventoryAccess} from '@ai-how/plugin-hpc'
import {cloudClusterKind} from '../kind/registration.js'
import type {CloudClusterConfig} from '../kind/types.js'

export const run = promisify(execFile)
export const root = path.resolve(import.meta.dirname, '../../../..')
export const goldenDir = path.join(root, 'test/golden/inventory')

/** The access cloudInventoryAccess gives for an output folder /out. */
export const access: InventoryAccess = {user: 'debian', privateKeyPath: '/out/keys/cloud-cluster/id_ed25519', knownHostsPath: '/out/keys/cloud-cluster/known_hosts'}

export interface Example {
  loaded: LoadedConfig
  section: CloudClusterConfig
  cluster: ClusterDescription
}

/** examples/cloud-small.yaml, with `edit` applied to its cloud section before describe(). */
export async function example(edit?: (section: CloudClusterConfig) => void): Promise<Example> {
  const loaded = await loadConfig(path.join(root, 'examples/cloud-small.yaml'), [cloudClusterKind], {AI_HOW_IMAGE_DIR: '/images', HOME: '/home/u'})
  const section = loaded.config.clusters.cloud as CloudClusterConfig
  edit?.(section)
  return {loaded, section, cluster: cloudClusterKind.describe(section, loaded)}
}

export function withWorkerStarted(section: CloudClusterConfig): void {
  for (const w of section.worker_nodes) w.auto_start = true
}

export interface FakeDomain {
  name: string
  state: DomainState
  ip?: string
}

/** A hypervisor that knows only these ai-how domains of cloud-cluster (enough for liveNodes). */
export function fakeHypervisor(domains: FakeDomain[]): Hypervisor {
  const fake = {
    describeDomains: (names: readonly string[]): Promise<Map<string, DomainDetails>> =>
      Promise.resolve(
        new Map(
          domains
            .filter((d) => names.includes(d.name))
            .map((d): [string, DomainDetails] => [d.name, {name: d.name, uuid: `uuid-${d.name}`, state: d.state, owner: {cluster: 'cloud-cluster', kind: 'cloud', role: '', node: '', volumes: []}, macs: [], xml: ''}]),
        ),
      ),
    domainAddresses: (queries: readonly {domain: string}[]): Promise<Map<string, DomainAddress>> =>
      Promise.resolve(
        new Map(
          queries.flatMap((q): [string, DomainAddress][] => {
            const ip = domains.find((d) => d.name === q.domain)?.ip
            return ip === undefined ? [] : [[q.domain, {ip, prefix: 24, mac: '52:54:00:00:00:01', source: 'lease'}]]
          }),
        ),
      ),
  }
  return fake as unknown as Hypervisor
}

export function context(ex: Example, warnings: string[], outputDir = '/out'): ClusterContext {
  return {
    kind: 'cloud',
    loaded: ex.loaded,
    section: ex.section,
    cluster: ex.cluster,
    statePath: path.join(outputDir, 'state.json'),
    outputDir,
    log: {info: () => undefined, debug: () => undefined, warn: (m: string) => warnings.push(m)},
    signal: new AbortController().signal,
    options: {},
    contributions: {} as ClusterContext['contributions'],
  }
}

/** Whether `command args` runs (to skip a test when a tool is missing). */
export async function available(command: string, args: string[]): Promise<boolean> {
  return run(command, args).then(
    () => true,
    () => false,
  )
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix))
}

export interface Listed {
  _meta: {hostvars: Record<string, Record<string, unknown>>}
  [group: string]: unknown
}

/** `ansible-inventory -i FILE --list` of `text` written as `name` (group_vars/ may sit next to it). */
export async function ansibleList(text: string, name: string, dir = tempDir('aihow-cloudinv-')): Promise<Listed> {
  const file = path.join(dir, name)
  writeFileSync(file, text)
  return listFile(file)
}

export async function listFile(file: string): Promise<Listed> {
  const {stdout} = await run('ansible-inventory', ['-i', file, '--list'], {env: {...process.env, ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true', ANSIBLE_LOCAL_TEMP: tempDir('aihow-ansible-')}})
  return JSON.parse(stdout) as Listed
}
