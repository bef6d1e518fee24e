/**
 * How ai-how proves that a libvirt object is its own (the cluster name + the cluster kind):
 *
 * - Domains: `<metadata><aihow:owner xmlns:aihow=NS cluster kind role node>` with one
 *   `<aihow:volume pool name/>` child per volume the domain owns (overlay disk, seed ISO).
 * - Networks: the same `<aihow:owner>` element (without role) in the network's `<metadata>`.
 *   libvirt 9.0 (Debian bookworm) parses, keeps and dumps a network's `<metadata>`: checked with
 *   `net-define` + `net-dumpxml`, and network.rng accepts it. What came later (9.7) is only the
 *   virNetworkSetMetadata API and `virsh net-metadata` to change it on a defined network; ai-how
 *   writes it once at define time, so 9.0 is enough.
 * - Pools: storagepool.rng has no `<metadata>` in any libvirt version. ai-how puts a marker volume
 *   `ai-how-owner.<kind>.<cluster>` (empty, raw) in each pool it creates, through libvirt itself
 *   (works on remote URIs too). A pool is ai-how's when that marker is among its volumes. The marker
 *   is read with `vol-list`, so an inactive pool cannot be verified until it is started.
 * - Volumes: a volume is ai-how's when it sits in a pool ai-how owns; each domain's metadata also
 *   lists the volumes it owns, so destroy removes exactly those.
 * Elements are matched by namespace URI, not by prefix: another tool may have written them with a
 * different prefix.
 */
import {attr, children, elementNames} from './xml.js'
import type {XmlNode} from './xml.js'
import type {DomainOwner, Owner} from './types.js'

/** ai-how's XML namespace for metadata. */
export const AIHOW_NS = 'https://github.com/ai-how/ai-how/ns/1'

const MARKER_PREFIX = 'ai-how-owner.'
/** Kinds are config keys (`[a-z][a-z0-9-]*`, no dots), so the first dot after the kind splits it from the cluster. */
const MARKER = /^ai-how-owner\.([a-z][a-z0-9-]*)\.([A-Za-z0-9][A-Za-z0-9._-]*)$/

/** The marker volume name that makes a pool ai-how's. */
export function poolMarkerName(owner: Owner): string {
  return `${MARKER_PREFIX}${owner.kind}.${owner.cluster}`
}

/** The owner encoded in a marker volume name, or undefined for any other volume. */
export function ownerFromMarker(volumeName: string): Owner | undefined {
  const match = MARKER.exec(volumeName)
  if (!match?.[1] || !match[2]) return undefined
  return {kind: match[1], cluster: match[2]}
}

export function isPoolMarker(volumeName: string): boolean {
  return ownerFromMarker(volumeName) !== undefined
}

interface FoundElement {
  node: XmlNode
  prefix: string
}

/** The `<owner>` element in ai-how's namespace among the children of `<metadata>`. */
function findOwnerElement(metadata: XmlNode | undefined): FoundElement | undefined {
  for (const key of elementNames(metadata)) {
    const colon = key.indexOf(':')
    const prefix = colon === -1 ? '' : key.slice(0, colon)
    const local = colon === -1 ? key : key.slice(colon + 1)
    if (local !== 'owner') continue
    for (const node of children(metadata, key)) {
      const ns = attr(node, prefix === '' ? 'xmlns' : `xmlns:${prefix}`)
      if (ns === AIHOW_NS) return {node, prefix}
    }
  }
  return undefined
}

/** The owner recorded in a network's (or any object's) `<metadata>`, if it is ai-how's. */
export function ownerFromMetadata(metadata: XmlNode | undefined): Owner | undefined {
  const found = findOwnerElement(metadata)
  const cluster = attr(found?.node, 'cluster')
  const kind = attr(found?.node, 'kind')
  if (cluster === undefined || kind === undefined) return undefined
  return {cluster, kind}
}

/** The owner recorded in a domain's `<metadata>`, with its role, node key and volumes. */
export function domainOwnerFromMetadata(metadata: XmlNode | undefined): DomainOwner | undefined {
  const found = findOwnerElement(metadata)
  const owner = ownerFromMetadata(metadata)
  if (!found || !owner) return undefined
  const volumeTag = found.prefix === '' ? 'volume' : `${found.prefix}:volume`
  const volumes = children(found.node, volumeTag).flatMap((v) => {
    const pool = attr(v, 'pool')
    const volume = attr(v, 'name')
    return pool !== undefined && volume !== undefined ? [{pool, volume}] : []
  })
  return {...owner, role: attr(found.node, 'role') ?? '', node: attr(found.node, 'node') ?? '', volumes}
}

export function sameOwner(a: Owner | undefined, b: Owner): boolean {
  return a?.cluster === b.cluster && a.kind === b.kind
}
