/**
 * One cluster's objects by name in ONE virsh process (per BATCH_SIZE commands): its network and
 * pool with their owners, its domains' states and XML, and which of them hold a managed-save
 * image. `status`, `plan` and `start` read the live view through this, so a read-only `status`
 * costs one virsh process for a cluster that is not running (one more for the running nodes' IPs).
 */
import {detailsFromXml} from './domains.js'
import {networkFromOutputs, networkQueries} from './networks.js'
import type {VirshRunner} from './runner.js'
import {poolFromOutputs, poolQueries} from './storage.js'
import {parseDomainState} from './tables.js'
import type {ClusterQuery, ClusterView, DomainDetails} from './types.js'
import {checkDomainId, checkName} from './validate.js'
import {parseXml, text} from './xml.js'

const MANAGED_SAVED = ['list', '--all', '--name', '--with-managed-save']

/** The UUID an object's own XML gives (names were asked for, the summaries carry UUIDs). */
function uuidOf(xml: string, root: string): string {
  return (text(parseXml(xml, root), 'uuid') ?? '').toLowerCase()
}

export async function describeCluster(runner: VirshRunner, query: ClusterQuery): Promise<ClusterView> {
  const network = checkName(query.network, 'network')
  const pool = checkName(query.pool, 'pool')
  for (const id of query.domains) checkDomainId(id)
  const head = [...networkQueries(network), ...poolQueries(pool), MANAGED_SAVED]
  const outputs = await runner.batch([...head, ...query.domains.flatMap((id) => [['domstate', id], ['dumpxml', id]])])
  const [netInfo = '', netXml = '', poolInfo = '', poolXml = '', volumes = '', saved = ''] = outputs
  const net = networkFromOutputs(network, [netInfo, netXml])
  const pl = poolFromOutputs(pool, [poolInfo, poolXml, volumes])
  const savedNames = new Set(saved.split('\n').map((l) => l.trim()).filter((l) => l !== ''))
  const domains = new Map<string, DomainDetails>()
  query.domains.forEach((id, i) => {
    const state = parseDomainState(outputs[head.length + 2 * i] ?? '')
    const xml = outputs[head.length + 2 * i + 1] ?? ''
    if (state !== 'absent' && xml !== '') domains.set(id, detailsFromXml(xml, state))
  })
  return {
    network: net === undefined ? undefined : {...net, uuid: uuidOf(netXml, 'network')},
    pool: pl === undefined ? undefined : {...pl, uuid: uuidOf(poolXml, 'pool')},
    domains,
    managedSaved: new Set(query.domains.filter((id) => domains.has(id) && savedNames.has(id))),
  }
}
