/**
 * Drift between the config, the state entry and libvirt: objects the state records that are gone,
 * objects of the cluster's names that another owner holds, domains whose UUID, MAC, vCPUs or memory
 * no longer match, addresses that differ from the reservation, and inactive shared objects.
 */
import type {ClusterDescription, ClusterStateEntry} from '@ai-how/core'
import {sameOwner} from '../hypervisor/ownership.js'
import type {DomainDetails, NetworkSummary, Owner, PoolSummary} from '../hypervisor/types.js'
import {child, parseXml, text} from '../hypervisor/xml.js'
import {macForVm, networkName, poolName} from '../naming/index.js'
import {clusterOwner} from './live.js'
import type {DriftItem} from './status-types.js'

/** vCPUs and memory (MiB) from a domain's XML (libvirt reports memory in KiB). */
export function domainResources(xml: string): {vcpus: number | undefined; memoryMib: number | undefined} {
  try {
    const domain = parseXml(xml, 'domain')
    const vcpus = Number(text(domain, 'vcpu'))
    const memory = child(domain, 'memory')
    const value = Number(text(domain, 'memory'))
    const unit = (memory?.['@_unit'] as string | undefined) ?? 'KiB'
    const factor: Record<string, number> = {KiB: 1 / 1024, k: 1 / 1024, MiB: 1, M: 1, GiB: 1024, G: 1024, b: 1 / 1048576, bytes: 1 / 1048576}
    return {vcpus: Number.isFinite(vcpus) ? vcpus : undefined, memoryMib: Number.isFinite(value) ? value * (factor[unit] ?? 1 / 1024) : undefined}
  } catch {
    return {vcpus: undefined, memoryMib: undefined}
  }
}

export interface DriftInput {
  cluster: ClusterDescription
  entry: ClusterStateEntry | undefined
  network: NetworkSummary | undefined
  pool: PoolSummary | undefined
  domains: ReadonlyMap<string, DomainDetails>
  liveIps: ReadonlyMap<string, string>
}

function sharedDrift(what: string, name: string, found: {active: boolean; owner: Owner | undefined} | undefined, input: DriftInput, verifiable: boolean): DriftItem[] {
  const owner = clusterOwner(input.cluster)
  if (found === undefined) return input.entry ? [{object: `${what} ${name}`, kind: 'missing', detail: 'recorded in the state file but not defined in libvirt'}] : []
  if (verifiable && !sameOwner(found.owner, owner)) return [{object: `${what} ${name}`, kind: 'foreign', detail: 'exists but was not created by ai-how for this cluster'}]
  if (!found.active) return [{object: `${what} ${name}`, kind: 'inactive', detail: 'defined but not running'}]
  return []
}

export function findDrift(input: DriftInput): DriftItem[] {
  const {cluster, entry} = input
  const owner = clusterOwner(cluster)
  const drift: DriftItem[] = [
    ...sharedDrift('network', networkName(cluster.name), input.network, input, true),
    // An inactive pool's owner marker cannot be read: it is reported as inactive, not foreign.
    ...sharedDrift('pool', poolName(cluster.name), input.pool, input, input.pool?.active ?? false),
  ]
  for (const node of cluster.nodes) {
    const domain = input.domains.get(node.vmName)
    const recorded = entry?.nodes[node.key]
    const object = `domain ${node.vmName}`
    if (domain === undefined) {
      if (recorded !== undefined) drift.push({object, kind: 'missing', detail: `recorded in the state file (${recorded.vm_id ?? 'no id'}) but not defined in libvirt`})
      continue
    }
    if (!sameOwner(domain.owner, owner)) {
      drift.push({object, kind: 'foreign', detail: 'exists but was not created by ai-how for this cluster'})
      continue
    }
    if (recorded === undefined) drift.push({object, kind: 'untracked', detail: 'exists but the state file does not record it'})
    else if (recorded.vm_id !== undefined && recorded.vm_id !== domain.uuid) drift.push({object, kind: 'changed', detail: `UUID ${domain.uuid}, the state file records ${recorded.vm_id}`})
    const {vcpus, memoryMib} = domainResources(domain.xml)
    if (vcpus !== undefined && vcpus !== node.cpuCores) drift.push({object, kind: 'changed', detail: `${vcpus} vCPUs, the config asks for ${node.cpuCores}`})
    if (memoryMib !== undefined && Math.round(memoryMib) !== node.memoryGb * 1024) drift.push({object, kind: 'changed', detail: `${Math.round(memoryMib)} MiB of memory, the config asks for ${node.memoryGb * 1024}`})
    const mac = macForVm(node.vmName)
    if (!domain.macs.includes(mac)) drift.push({object, kind: 'changed', detail: `no interface with the MAC ${mac} (has ${domain.macs.join(', ') || 'none'})`})
    const live = input.liveIps.get(node.vmName)
    if (live !== undefined && node.ip !== undefined && live !== node.ip) drift.push({object, kind: 'changed', detail: `live IP ${live}, configured ${node.ip}`})
  }
  return drift
}
