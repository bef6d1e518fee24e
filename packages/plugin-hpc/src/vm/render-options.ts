/**
 * The render options of a cluster's network and of one node's domain, derived from the spec the
 * same way for `start` (which creates them) and `plan` (which shows them).
 */
import type {NodeDescription} from '@ai-how/core'
import {macForVm, networkName, poolName, seedVolumeName, vmVolumeName} from '../naming/index.js'
import type {DomainViewOptions} from '../render/domain-view.js'
import type {NetworkViewOptions} from '../render/network-view.js'
import {consoleLogPath} from './paths.js'
import type {VmClusterSpec} from './types.js'

export function networkViewOptions(spec: VmClusterSpec): NetworkViewOptions {
  const dhcp = spec.dhcp
  return {
    networkName: networkName(spec.cluster.name),
    ...(dhcp?.start === undefined ? {} : {dhcpStart: dhcp.start}),
    ...(dhcp?.end === undefined ? {} : {dhcpEnd: dhcp.end}),
    ...(dhcp?.dnsServers === undefined ? {} : {dnsServers: dhcp.dnsServers}),
  }
}

/** Options of `node`'s domain XML with its disk and seed at these paths (and this UUID, when known). */
export function domainViewOptions(spec: VmClusterSpec, node: NodeDescription, paths: {disk: string; seed: string; uuid?: string}): Omit<DomainViewOptions, 'contributions'> {
  const pool = poolName(spec.cluster.name)
  return {
    ...spec.cpu,
    ...spec.nodeOptions(node),
    ...(spec.hugepageSize === undefined ? {} : {hugepageSize: spec.hugepageSize}),
    ...(spec.memfd === undefined ? {} : {memfd: spec.memfd}),
    networkName: networkName(spec.cluster.name),
    mac: macForVm(node.vmName),
    diskPath: paths.disk,
    seedIsoPath: paths.seed,
    consoleLogPath: consoleLogPath(node.vmName, spec.consoleLogDir),
    ...(paths.uuid === undefined ? {} : {uuid: paths.uuid}),
    ownedVolumes: [{pool, volume: vmVolumeName(node.vmName)}, {pool, volume: seedVolumeName(node.vmName)}],
  }
}
