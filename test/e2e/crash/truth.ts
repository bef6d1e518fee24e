// For the crash-safety e2e tests of both kinds: after a kill, `<kind> status --json` (exit 0) must
// say what libvirt has, read just before and just after it (a guest told to power off by a killed
// stop may still be going down), and its recorded status must be the state file's.
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'

import {virsh, virshNames} from '../harness/index.js'
import type {CmdResult, E2eHost} from '../harness/index.js'
import {parseJson} from '../hpc/cluster.js'
import type {E2eCluster} from '../hpc/cluster.js'
import {show} from './kill.js'

export interface Status {
  status: string
  recorded_status: string | null
  network: {exists: boolean}
  pool: {exists: boolean}
  nodes: {name: string; state: string; vm_id: string | null}[]
}

export interface LibvirtView {
  network: boolean
  pool: boolean
  /** Each VM's state ('absent' when not defined). */
  domains: Map<string, string>
}

export async function libvirtView(host: E2eHost, c: E2eCluster, names: readonly string[]): Promise<LibvirtView> {
  const defined = await virshNames(host, ['list', '--all', '--name'])
  const domains = new Map<string, string>()
  for (const name of names) domains.set(name, defined.includes(name) ? (await virsh(host, ['domstate', name])).stdout.trim().replace(' ', '') : 'absent')
  return {
    network: (await virshNames(host, ['net-list', '--all', '--name'])).includes(`${c.name}-network`),
    pool: (await virshNames(host, ['pool-list', '--all', '--name'])).includes(`${c.name}-pool`),
    domains,
  }
}

export interface TruthCheck {
  host: E2eHost
  c: E2eCluster
  kind: 'hpc' | 'cloud'
  /** The state file's key of the cluster's entry (hpc_cluster, cloud_cluster). */
  stateKey: string
  /** The VMs, in the order status lists them (sorted before comparing when `sorted`). */
  names: readonly string[]
  sorted?: boolean
  /** The test keeps GPU claims on purpose (crash-safety-gpu): they are not checked here. */
  claimsAllowed?: boolean
  aiHow: (args: string[]) => Promise<CmdResult>
}

/** `<kind> status --json` agrees with libvirt and with the state file's entry; returns it. */
export async function statusTellsTruth(k: TruthCheck): Promise<Status> {
  const before = await libvirtView(k.host, k.c, k.names)
  const r = await k.aiHow([k.kind, 'status', k.c.config, '--json'])
  assert.equal(r.exitCode, 0, show(r))
  const after = await libvirtView(k.host, k.c, k.names)
  const s = parseJson(r.stdout) as Status
  assert.ok([before.network, after.network].includes(s.network.exists), `network: status ${String(s.network.exists)}`)
  assert.ok([before.pool, after.pool].includes(s.pool.exists), `pool: status ${String(s.pool.exists)}`)
  const listed = s.nodes.map((n) => n.name)
  assert.deepEqual(k.sorted === true ? listed.sort() : listed, k.sorted === true ? [...k.names].sort() : k.names)
  for (const node of s.nodes) {
    const seen = [before.domains.get(node.name), after.domains.get(node.name)]
    assert.ok(seen.includes(node.state), `${node.name}: status says ${node.state}, libvirt ${seen.join(' then ')}`)
  }
  const doc = existsSync(k.c.state) ? (JSON.parse(await readFile(k.c.state, 'utf8')) as Record<string, unknown>) : {}
  assert.equal(s.recorded_status, (doc[k.stateKey] as {status?: string} | undefined)?.status ?? null)
  // No VM with a GPU starts in the other tests (a GPU worker is only defined): no kill may leave a claim.
  const claims = Object.entries((doc.gpu_allocations ?? {}) as Record<string, {cluster: string}>).filter(([, a]) => a.cluster === k.c.name)
  if (k.claimsAllowed !== true) assert.deepEqual(claims, [], 'no GPU claim of the cluster in the state file')
  return s
}
