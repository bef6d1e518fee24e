/** The pools and volumes of FakeHypervisor: dir pools with a folder that exists once built, and named volumes. */
import {HypervisorError} from '@ai-how/core'
import {ownerFromMarker} from '../../hypervisor/ownership.js'
import type {PoolSummary, VolumeSummary} from '../../hypervisor/types.js'
import {child, parseXml, text} from '../../hypervisor/xml.js'
import {io} from './fake-hypervisor.js'

interface FakePool {
  uuid: string
  xml: string
  path: string
  active: boolean
  built: boolean
  volumes: Set<string>
}

interface Recorder {
  record(method: string, name: string): void
}

export class FakeStorage {
  readonly pools = new Map<string, FakePool>()
  /** Images the fake refuses to import (as if the file were missing). */
  readonly missingImages = new Set<string>()
  private next = 0

  constructor(private readonly recorder: Recorder) {}

  pool(name: string): FakePool {
    const p = this.pools.get(name)
    if (!p) throw new HypervisorError(`pool ${name} not found`, {code: 'HYPERVISOR_POOL_NOT_FOUND'})
    return p
  }

  private activePool(name: string): FakePool {
    const p = this.pool(name)
    if (!p.active) throw new HypervisorError(`storage pool '${name}' is not active`, {code: 'HYPERVISOR_NOT_ACTIVE'})
    return p
  }

  async definePool(xml: string): Promise<void> {
    await io()
    const doc = parseXml(xml, 'pool')
    const name = text(doc, 'name') ?? ''
    this.recorder.record('definePool', name)
    if (this.pools.has(name)) throw new HypervisorError(`pool ${name} already exists`, {code: 'HYPERVISOR_ALREADY_EXISTS'})
    this.next += 1
    this.pools.set(name, {uuid: `10000000-0000-4000-8000-${String(this.next).padStart(12, '0')}`, xml, path: text(child(doc, 'target'), 'path') ?? '', active: false, built: false, volumes: new Set()})
  }

  async simple(method: string, name: string): Promise<void> {
    await io()
    this.recorder.record(method, name)
    const p = this.pool(name)
    if (method === 'buildPool') p.built = true
  }

  async setActive(method: string, name: string, active: boolean): Promise<void> {
    await io()
    this.recorder.record(method, name)
    const p = this.pool(name)
    if (p.active === active) throw new HypervisorError(`pool ${name} is ${active ? 'already active' : 'not active'}`, {code: active ? 'HYPERVISOR_COMMAND_FAILED' : 'HYPERVISOR_NOT_ACTIVE'})
    p.active = active
  }

  async deleteDirectory(name: string): Promise<void> {
    await io()
    this.recorder.record('deletePoolDirectory', name)
    const p = this.pool(name)
    if (p.active) throw new Error(`fake: pool-delete of the active pool ${name}`)
    if (p.volumes.size > 0) throw new HypervisorError(`cannot remove the folder of ${name}: not empty`, {code: 'HYPERVISOR_COMMAND_FAILED'})
    p.built = false
  }

  async undefinePool(name: string): Promise<void> {
    await io()
    this.recorder.record('undefinePool', name)
    if (this.pool(name).active) throw new Error(`fake: undefine of the active pool ${name}`)
    this.pools.delete(name)
  }

  listPools(): PoolSummary[] {
    return [...this.pools.entries()].map(([name, p]) => ({
      name,
      uuid: p.uuid,
      active: p.active,
      path: p.path,
      owner: p.active ? [...p.volumes].flatMap((v) => ownerFromMarker(v) ?? [])[0] : undefined,
    }))
  }

  async addVolume(pool: string, name: string): Promise<void> {
    await io()
    this.recorder.record('createVolume', `${pool}/${name}`)
    const p = this.activePool(pool)
    if (p.volumes.has(name)) throw new HypervisorError(`volume ${name} already exists`, {code: 'HYPERVISOR_ALREADY_EXISTS'})
    p.volumes.add(name)
  }

  async deleteVolume(pool: string, name: string): Promise<void> {
    await io()
    this.recorder.record('deleteVolume', `${pool}/${name}`)
    const p = this.activePool(pool)
    if (!p.volumes.delete(name)) throw new HypervisorError(`volume ${name} not found`, {code: 'HYPERVISOR_VOLUME_NOT_FOUND'})
  }

  listVolumes(pool: string): VolumeSummary[] {
    const p = this.activePool(pool)
    return [...p.volumes].map((name) => ({name, path: `${p.path}/${name}`}))
  }

  volumePath(pool: string, name: string): string {
    const p = this.activePool(pool)
    if (!p.volumes.has(name)) throw new HypervisorError(`volume ${name} not found`, {code: 'HYPERVISOR_VOLUME_NOT_FOUND'})
    return `${p.path}/${name}`
  }

  async importImage(pool: string, name: string, imagePath: string): Promise<{path: string; created: boolean}> {
    const p = this.activePool(pool)
    if (p.volumes.has(name)) return {path: `${p.path}/${name}`, created: false}
    if (this.missingImages.has(imagePath)) throw new HypervisorError(`qemu-img: Could not open '${imagePath}'`, {code: 'HYPERVISOR_COMMAND_FAILED'})
    await this.addVolume(pool, name)
    return {path: `${p.path}/${name}`, created: true}
  }

  allVolumes(): string[] {
    return [...this.pools.entries()].flatMap(([pool, p]) => [...p.volumes].map((v) => `${pool}/${v}`))
  }
}
