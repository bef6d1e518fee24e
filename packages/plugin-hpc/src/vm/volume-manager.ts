/**
 * Storage of a cluster: a dir pool (marked as ai-how's with its owner marker volume), base volumes
 * imported once and reused, one qcow2 overlay per VM backed by its base volume, and each VM's seed
 * ISO uploaded as a pool volume. Every creating call returns the undo of what it created.
 */
import {HypervisorError} from '@ai-how/core'
import type {Logger, Undo} from '@ai-how/core'
import {poolMarkerName, sameOwner} from '../hypervisor/ownership.js'
import type {Hypervisor, Owner, PoolSummary} from '../hypervisor/types.js'
import type {LibvirtRenderer} from '../render/renderer.js'
import {buildOverlayVolumeView, buildPoolView} from '../render/storage-view.js'
import type {EnsureResult} from './network-manager.js'
import {ignoring, transaction} from './transaction.js'

export interface CreatedVolume {
  path: string
  /** Absent when the volume existed already (nothing to undo). */
  undo?: Undo
}

function foreignPool(name: string, why: string): HypervisorError {
  return new HypervisorError(`the storage pool ${name} ${why}`, {
    code: 'POOL_FOREIGN',
    actions: [`ai-how never changes or removes objects it did not create. Remove the pool yourself (virsh pool-destroy ${name}; virsh pool-undefine ${name}) if it is not needed, or give this cluster another name.`],
  })
}

const GONE = ['HYPERVISOR_VOLUME_NOT_FOUND', 'HYPERVISOR_POOL_NOT_FOUND']

export class VolumeManager {
  constructor(
    private readonly hv: Hypervisor,
    private readonly renderer: LibvirtRenderer,
    private readonly log: Logger,
  ) {}

  /** Creates the pool (define, build, start, autostart, owner marker) or keeps ai-how's own. */
  async ensurePool(name: string, path: string, owner: Owner): Promise<EnsureResult> {
    const existing = (await this.hv.listPools()).find((p) => p.name === name)
    if (existing) return this.keep(existing, owner)
    const xml = this.renderer.pool(buildPoolView({name, path}))
    const {undos} = await transaction(this.log, async (track) => {
      await this.hv.definePool(xml)
      track({title: `pool ${name}`, run: () => this.removePool(name, [poolMarkerName(owner)])})
      await this.hv.buildPool(name)
      await this.hv.startPool(name)
      await this.hv.setPoolAutostart(name, true)
      await this.hv.markPoolOwned(name, owner)
    })
    return {outcome: 'created', changes: [`created pool ${name} at ${path}`], undos}
  }

  private async keep(pool: PoolSummary, owner: Owner): Promise<EnsureResult> {
    if (pool.active) {
      if (!sameOwner(pool.owner, owner)) throw foreignPool(pool.name, pool.owner ? `belongs to the ${pool.owner.kind} cluster ${pool.owner.cluster}` : 'exists and was not created by ai-how')
      return {outcome: 'kept', changes: [], undos: []}
    }
    // An inactive pool's marker cannot be read: start it, look, and stop it again if it is not ours.
    await this.hv.startPool(pool.name)
    const marker = poolMarkerName(owner)
    if (!(await this.hv.listVolumes(pool.name)).some((v) => v.name === marker)) {
      await this.hv.destroyPool(pool.name)
      throw foreignPool(pool.name, 'exists and was not created by ai-how for this cluster')
    }
    return {outcome: 'updated', changes: [`started pool ${pool.name}`], undos: []}
  }

  /** Imports `imagePath` as volume `name` unless the pool has it already. */
  async importBase(pool: string, name: string, imagePath: string): Promise<CreatedVolume> {
    const {path, created} = await this.hv.importBaseImage(pool, name, imagePath)
    return created ? {path, undo: this.volumeUndo(pool, name)} : {path}
  }

  /** A qcow2 overlay of `backingPath` with `diskGb` of capacity. An existing volume of that name is kept. */
  async createOverlay(pool: string, name: string, diskGb: number, backingPath: string): Promise<CreatedVolume> {
    const xml = this.renderer.volume(buildOverlayVolumeView({name, diskGb, backingPath}))
    const existing = (await this.hv.listVolumes(pool)).find((v) => v.name === name)
    if (existing) {
      this.log.warn(`volume ${name} exists already in ${pool}: reusing it`)
      return {path: existing.path}
    }
    await this.hv.createVolume(pool, xml)
    return {path: await this.hv.volumePath(pool, name), undo: this.volumeUndo(pool, name)}
  }

  /** Uploads a seed ISO file as a pool volume (replacing an older one of that name). */
  async uploadSeed(pool: string, name: string, isoFile: string): Promise<CreatedVolume> {
    await ignoring(GONE, () => this.hv.deleteVolume(pool, name))
    const {path} = await this.hv.importBaseImage(pool, name, isoFile)
    return {path, undo: this.volumeUndo(pool, name)}
  }

  volumeUndo(pool: string, name: string): Undo {
    return {title: `volume ${name}`, run: () => this.deleteVolume(pool, name)}
  }

  async deleteVolume(pool: string, name: string): Promise<void> {
    await ignoring(GONE, () => this.hv.deleteVolume(pool, name))
  }

  /**
   * Removes a pool: deletes the listed volumes (or, with 'all', every volume in it), stops it,
   * removes its (then empty) folder and undefines it.
   */
  async removePool(name: string, volumes: readonly string[] | 'all'): Promise<void> {
    const present = await this.poolVolumes(name)
    const doomed = volumes === 'all' ? present : present.filter((v) => volumes.includes(v))
    for (const volume of doomed) await this.deleteVolume(name, volume)
    await ignoring(['HYPERVISOR_NOT_ACTIVE', 'HYPERVISOR_POOL_NOT_FOUND'], () => this.hv.destroyPool(name))
    await ignoring(['HYPERVISOR_POOL_NOT_FOUND'], () => this.hv.deletePoolDirectory(name))
    await ignoring(['HYPERVISOR_POOL_NOT_FOUND'], () => this.hv.undefinePool(name))
  }

  /** The pool's volumes; an inactive pool is started first (its volumes cannot be listed or deleted otherwise). */
  private async poolVolumes(name: string): Promise<string[]> {
    try {
      return (await this.hv.listVolumes(name)).map((v) => v.name)
    } catch (error) {
      const code = (error as {code?: unknown}).code
      if (code === 'HYPERVISOR_POOL_NOT_FOUND') return []
      if (code !== 'HYPERVISOR_NOT_ACTIVE') throw error
    }
    await this.hv.startPool(name)
    return (await this.hv.listVolumes(name)).map((v) => v.name)
  }
}
