/**
 * The rules of the GPU ledger (`gpu_allocations`, keyed by the PCI address of each GPU), applied to
 * a state document: a VM claims its GPUs when it starts; a GPU held by another VM that libvirt says
 * still runs refuses the start (GPU_BUSY, naming the holder and how to free it); a claim whose VM no
 * longer runs is stale and is cleared with a notice; a stop or destroy releases only its own claims.
 * Between before-start and after-start a claim carries the PID of the process starting its VM: while
 * that process lives, the claim holds even though the VM does not run yet (no race between starts).
 */
import {AiHowError} from '@ai-how/core'
import type {GpuAllocation, Logger, NodeDescription, StateDocument} from '@ai-how/core'
import {comparePciAddresses, isPciAddress} from '../pci/address.js'
import {holdsDevices} from './domain-state.js'
import type {DomainStateQuery} from './domain-state.js'

export interface Claimant {
  kind: string
  cluster: string
  node: string
  vmName: string
  libvirtUri: string
}

export interface ClaimOptions {
  query: DomainStateQuery
  log: Logger
  now: () => Date
  /** This process (recorded as `starting_pid`). */
  pid: number
  /** Whether a process is alive (default: signal 0). */
  isAlive?: (pid: number) => boolean
}

/** The GPU addresses of a node (device_type gpu), sorted and unique. */
export function gpuAddresses(node: NodeDescription): string[] {
  const addresses = node.devices.filter((d) => d.deviceType === 'gpu' && isPciAddress(d.pciAddress)).map((d) => d.pciAddress)
  return [...new Set(addresses)].sort(comparePciAddresses)
}

export function isHeldBy(held: GpuAllocation, who: Claimant): boolean {
  return held.kind === who.kind && held.cluster === who.cluster && held.node === who.node
}

/** Claims every address for `who` in `doc`, or throws GPU_BUSY (then `doc` is left untouched). */
export async function claimGpus(doc: StateDocument, who: Claimant, addresses: readonly string[], options: ClaimOptions): Promise<void> {
  const stale: string[] = []
  for (const address of addresses) {
    const held = doc.gpu_allocations[address]
    if (held === undefined || isHeldBy(held, who)) continue
    const starter = held.starting_pid
    if (starter !== undefined && starter !== options.pid && (options.isAlive ?? isProcessAlive)(starter)) {
      throw gpuBusy(doc, address, held, `being started by process ${starter}`, who)
    }
    const state = await options.query(held.libvirt_uri ?? who.libvirtUri, held.vm_name)
    if (holdsDevices(state)) throw gpuBusy(doc, address, held, `${String(state)} since ${held.since}`, who)
    options.log.warn(`GPU ${address} was claimed by ${holderLabel(held)}, whose VM ${held.vm_name} is ${state ?? 'gone'} (crashed or stopped outside ai-how): clearing that stale claim.`)
    stale.push(address)
  }
  const since = options.now().toISOString()
  for (const address of addresses) {
    const held = doc.gpu_allocations[address]
    const keep = held !== undefined && !stale.includes(address) && isHeldBy(held, who)
    doc.gpu_allocations[address] = {
      cluster: who.cluster,
      kind: who.kind,
      node: who.node,
      vm_name: who.vmName,
      since: keep ? held.since : since,
      libvirt_uri: who.libvirtUri,
      starting_pid: options.pid,
    }
  }
}

/** after-start: the node's VMs run, so its claims no longer need the starting process. */
export function confirmGpus(doc: StateDocument, who: Claimant): string[] {
  const confirmed: string[] = []
  for (const [address, held] of Object.entries(doc.gpu_allocations)) {
    if (!isHeldBy(held, who) || held.starting_pid === undefined) continue
    Reflect.deleteProperty(held, 'starting_pid')
    confirmed.push(address)
  }
  return confirmed.sort(comparePciAddresses)
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes every claim of `who` (whatever the address); answers the addresses released. */
export function releaseGpus(doc: StateDocument, who: Claimant): string[] {
  const released: string[] = []
  for (const [address, held] of Object.entries(doc.gpu_allocations)) {
    if (!isHeldBy(held, who)) continue
    Reflect.deleteProperty(doc.gpu_allocations, address)
    released.push(address)
  }
  return released.sort(comparePciAddresses)
}

export function holderLabel(held: GpuAllocation): string {
  return `${held.kind} cluster "${held.cluster}" node ${held.node}`
}

function gpuBusy(doc: StateDocument, address: string, held: GpuAllocation, state: string, who: Claimant): AiHowError {
  const uri = held.libvirt_uri ?? who.libvirtUri
  return new AiHowError(
    `GPU ${address} is held by ${holderLabel(held)} (VM ${held.vm_name}, ${state}); ${who.kind} cluster "${who.cluster}" node ${who.node} cannot start until it is free`,
    {
      code: 'GPU_BUSY',
      actions: [
        `Stop the holder: ai-how ${held.kind} stop ${configFileOf(doc, held) ?? 'CONFIG'}`,
        `Or shut down only its VM: virsh -c ${uri} shutdown ${held.vm_name}`,
        `Or set auto_start: false on node ${held.node} of the ${held.kind} cluster or on node ${who.node} of the ${who.kind} cluster, so that only one VM sharing this GPU starts.`,
      ],
      details: {address, holder: held, holderState: state},
    },
  )
}

/** The config file recorded in the holder's cluster entry (`<kind>_cluster`), when it is that cluster. */
function configFileOf(doc: StateDocument, held: GpuAllocation): string | undefined {
  const entry = doc[`${held.kind}_cluster`]
  if (typeof entry !== 'object' || entry === null) return undefined
  const {name, config_file: file} = entry as Record<string, unknown>
  return name === held.cluster && typeof file === 'string' && file !== '' ? file : undefined
}
