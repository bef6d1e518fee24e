/**
 * Domain operations over virsh. Reads of many domains go through one batched virsh process
 * (see VirshRunner.batch), so their cost does not grow with the number of domains.
 */
import {hasCode} from '@ai-how/core'
import {hypervisorFailure} from './errors.js'
import {domainOwnerFromMetadata} from './ownership.js'
import type {VirshRunner} from './runner.js'
import {parseDomainState, parseUuidNames} from './tables.js'
import {checkDomainId, checkName} from './validate.js'
import {attr, child, children, parseXml, text} from './xml.js'
import type {DomainDetails, DomainState, DomainSummary} from './types.js'

/** Runs `args`; when this driver rejects a flag ("unsupported flags", e.g. the test driver), runs `fallback`. */
export async function runWithFallback(runner: VirshRunner, args: readonly string[], fallback: readonly string[]): Promise<void> {
  const first = await runner.attempt(args)
  if (first.exitCode === 0 && first.spawnError === undefined && !first.timedOut) return
  if (first.stderr.includes('unsupported flags')) {
    await runner.run(fallback)
    return
  }
  throw hypervisorFailure({file: 'virsh', args: ['-q', '-c', runner.uri, ...args]}, first, `virsh ${args.slice(0, 2).join(' ')}`)
}

export async function defineDomain(runner: VirshRunner, xml: string): Promise<void> {
  await runner.run(['define', '/dev/stdin'], {input: xml})
}

export async function shutdownDomain(runner: VirshRunner, name: string): Promise<void> {
  checkName(name, 'domain')
  await runWithFallback(runner, ['shutdown', name, '--mode', 'acpi'], ['shutdown', name])
}

export const AGENT_SHUTDOWN_TIMEOUT_MS = 30_000

/**
 * Asks the guest agent to power the guest off. libvirt fails at once when the channel is missing or
 * no agent listens on it; on success it returns when the guest shuts down or the agent goes away
 * (it stops early in the shutdown), bounded here so that a hung agent cannot hold the stop.
 */
export async function agentShutdownDomain(runner: VirshRunner, name: string): Promise<void> {
  checkName(name, 'domain')
  await runner.run(['shutdown', name, '--mode', 'agent'], {timeoutMs: AGENT_SHUTDOWN_TIMEOUT_MS})
}

/** Undefines with NVRAM, managed-save image and snapshot metadata, so nothing of the domain stays behind. */
export async function undefineDomain(runner: VirshRunner, name: string): Promise<void> {
  checkName(name, 'domain')
  await runWithFallback(
    runner,
    ['undefine', name, '--nvram', '--managed-save', '--snapshots-metadata'],
    ['undefine', name, '--managed-save', '--snapshots-metadata'],
  )
}

export async function domainState(runner: VirshRunner, name: string): Promise<DomainState> {
  checkName(name, 'domain')
  try {
    return parseDomainState(await runner.run(['domstate', name]))
  } catch (error) {
    if (hasCode(error, 'HYPERVISOR_DOMAIN_NOT_FOUND')) return 'absent'
    throw error
  }
}

/** One virsh process for all names (per BATCH_SIZE). */
export async function domainStates(runner: VirshRunner, names: readonly string[]): Promise<Map<string, DomainState>> {
  for (const name of names) checkName(name, 'domain')
  const outputs = await runner.batch(names.map((name) => ['domstate', name]))
  return new Map(names.map((name, i) => [name, parseDomainState(outputs[i] ?? '')]))
}

/** Name, UUID, owner metadata and MACs from a domain's XML. */
export function detailsFromXml(xml: string, state: DomainState): DomainDetails {
  const domain = parseXml(xml, 'domain')
  const macs = children(child(domain, 'devices'), 'interface').flatMap((iface) => {
    const mac = attr(child(iface, 'mac'), 'address')
    return mac === undefined ? [] : [mac.toLowerCase()]
  })
  return {
    name: text(domain, 'name') ?? '',
    uuid: (text(domain, 'uuid') ?? '').toLowerCase(),
    state,
    owner: domainOwnerFromMetadata(child(domain, 'metadata')),
    macs,
    xml,
  }
}

/**
 * State and XML of many domains (by name or UUID) in one virsh process per BATCH_SIZE/2 domains.
 * Domains that do not exist are left out of the result.
 */
export async function describeDomains(runner: VirshRunner, ids: readonly string[]): Promise<Map<string, DomainDetails>> {
  for (const id of ids) checkDomainId(id)
  const outputs = await runner.batch(ids.flatMap((id) => [['domstate', id], ['dumpxml', id]]))
  const out = new Map<string, DomainDetails>()
  ids.forEach((id, i) => {
    const state = parseDomainState(outputs[2 * i] ?? '')
    const xml = outputs[2 * i + 1] ?? ''
    if (state !== 'absent' && xml !== '') out.set(id, detailsFromXml(xml, state))
  })
  return out
}

const STATE_FILTERS: readonly [string, DomainState | undefined][] = [
  ['--state-running', 'running'],
  ['--state-paused', 'paused'],
  ['--state-shutoff', 'shutoff'],
  ['--state-other', undefined],
]

/** Every domain with its state: one process, plus one more only when some domain is in an "other" state. */
export async function listDomains(runner: VirshRunner): Promise<DomainSummary[]> {
  const outputs = await runner.batch(STATE_FILTERS.map(([flag]) => ['list', '--all', '--uuid', '--name', flag]))
  const out: DomainSummary[] = []
  const others: {uuid: string; name: string}[] = []
  STATE_FILTERS.forEach(([, state], i) => {
    for (const entry of parseUuidNames(outputs[i] ?? '')) {
      if (state === undefined) others.push(entry)
      else out.push({...entry, state})
    }
  })
  if (others.length > 0) {
    const states = await runner.batch(others.map((o) => ['domstate', o.uuid]))
    others.forEach((o, i) => out.push({...o, state: parseDomainState(states[i] ?? '')}))
  }
  return out.sort((a, b) => a.name.localeCompare(b.name))
}
