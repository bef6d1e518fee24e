/**
 * Everything one cluster owns, found by ownership metadata alone (works with a lost state file):
 * one virsh process lists the UUIDs of all domains, networks and pools, a second one reads their
 * state and XML (and the pools' volumes, for the owner marker). The count does not grow with the
 * number of objects (up to BATCH_SIZE commands per process).
 */
import {detailsFromXml} from './domains.js'
import {networkFromOutputs, networkQueries} from './networks.js'
import {sameOwner} from './ownership.js'
import type {VirshRunner} from './runner.js'
import {poolFromOutputs, poolQueries} from './storage.js'
import {parseDomainState, parseUuids} from './tables.js'
import type {OwnedObjects} from './types.js'

export async function listOwned(runner: VirshRunner, cluster: string, kind: string): Promise<OwnedObjects> {
  const owner = {cluster, kind}
  const [domainText = '', networkText = '', poolText = ''] = await runner.batch([
    ['list', '--all', '--uuid'],
    ['net-list', '--all', '--uuid'],
    ['pool-list', '--all', '--uuid'],
  ])
  const domains = parseUuids(domainText)
  const networks = parseUuids(networkText)
  const pools = parseUuids(poolText)
  const outputs = await runner.batch([
    ...domains.flatMap((uuid) => [['domstate', uuid], ['dumpxml', uuid]]),
    ...networks.flatMap(networkQueries),
    ...pools.flatMap(poolQueries),
  ])
  let at = 0
  const take = (n: number): string[] => outputs.slice(at, (at += n))
  const result: OwnedObjects = {domains: [], networks: [], pools: [], unverifiedPools: []}
  domains.forEach(() => {
    const [state = '', xml = ''] = take(2)
    if (xml === '') return
    const details = detailsFromXml(xml, parseDomainState(state))
    if (sameOwner(details.owner, owner)) result.domains.push(details)
  })
  for (const uuid of networks) {
    const network = networkFromOutputs(uuid, take(2))
    if (network && sameOwner(network.owner, owner)) result.networks.push(network)
  }
  for (const uuid of pools) {
    const pool = poolFromOutputs(uuid, take(3))
    if (pool && sameOwner(pool.owner, owner)) result.pools.push(pool)
    // An inactive pool's volumes (and so its marker) cannot be listed: report the cluster's candidates.
    else if (pool && !pool.active && pool.name.startsWith(`${cluster}-`)) result.unverifiedPools.push(pool)
  }
  return result
}
