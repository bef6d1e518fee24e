/**
 * The GPU ledger on the state file: claims and releases run under the state lock (StateStore.update),
 * so two processes starting VMs that share a GPU cannot both win.
 */
import type {GpuAllocation, Logger, NodeLifecycleEvent, StateDocument} from '@ai-how/core'
import {claimGpus, confirmGpus, gpuAddresses, isHeldBy, releaseGpus} from './claims.js'
import type {Claimant} from './claims.js'
import type {DomainStateQuery} from './domain-state.js'

/** What the ledger needs of the state store (core's StateStore has it). */
export interface LedgerStore {
  read(): Promise<StateDocument>
  update<T>(mutate: (doc: StateDocument) => T | Promise<T>): Promise<T>
}

export interface GpuLedgerOptions {
  query: DomainStateQuery
  log: Logger
  now?: () => Date
}

export class GpuLedger {
  private readonly store: LedgerStore
  private readonly options: GpuLedgerOptions

  constructor(store: LedgerStore, options: GpuLedgerOptions) {
    this.store = store
    this.options = options
  }

  async allocations(): Promise<Record<string, GpuAllocation>> {
    return (await this.store.read()).gpu_allocations
  }

  /** Claims the node's GPUs (none: nothing is touched). Throws GPU_BUSY when another running VM holds one. */
  async claim(who: Claimant, addresses: readonly string[]): Promise<void> {
    if (addresses.length === 0) return
    const options = {query: this.options.query, log: this.options.log, now: this.options.now ?? (() => new Date()), pid: process.pid}
    await this.store.update((doc) => claimGpus(doc, who, addresses, options))
    this.options.log.debug(`GPU ledger: ${addresses.join(', ')} allocated to ${who.vmName}`)
  }

  /** Releases every claim of the node (the lock is taken only when it holds something). */
  async release(who: Claimant): Promise<string[]> {
    const held = Object.values(await this.allocations()).some((a) => isHeldBy(a, who))
    if (!held) return []
    const released = await this.store.update((doc) => releaseGpus(doc, who))
    if (released.length > 0) this.options.log.debug(`GPU ledger: ${released.join(', ')} released by ${who.vmName}`)
    return released
  }

  /** after-start: drops the starting process from the node's claims (the running VM holds them now). */
  async confirm(who: Claimant): Promise<void> {
    const pending = Object.values(await this.allocations()).some((a) => isHeldBy(a, who) && a.starting_pid !== undefined)
    if (pending) await this.store.update((doc) => confirmGpus(doc, who))
  }

  /** The node-lifecycle hook: before-start claims, after-start confirms, after-stop and after-destroy release. */
  async onLifecycle(event: NodeLifecycleEvent): Promise<void> {
    const who = claimantOf(event)
    switch (event.phase) {
      case 'before-start':
        await this.claim(who, gpuAddresses(event.node))
        return
      case 'after-start':
        await this.confirm(who)
        return
      case 'after-stop':
      case 'after-destroy':
        await this.release(who)
        return
    }
  }
}

export function claimantOf(event: NodeLifecycleEvent): Claimant {
  return {kind: event.kind, cluster: event.cluster.name, node: event.node.key, vmName: event.node.vmName, libvirtUri: event.libvirtUri}
}
