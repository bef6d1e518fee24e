/**
 * Storage pools and volumes over virsh: dir pools, volumes from XML (qcow2 overlays with a backing
 * store), the owner marker volume, and the one-time import of a base image into a pool.
 */
import {HypervisorError, hasCode} from '@ai-how/core'
import {ownerFromMarker, poolMarkerName} from './ownership.js'
import type {VirshRunner} from './runner.js'
import {parseInfo, parseUuids, parseVolumes} from './tables.js'
import {checkName, checkPath} from './validate.js'
import {child, parseXml, text} from './xml.js'
import type {BaseImageMethod, Owner, PoolSummary, VolumeSummary} from './types.js'

/** A base image may be large: its upload or conversion gets an hour. */
const IMPORT_TIMEOUT_MS = 3_600_000

export async function poolCommand(runner: VirshRunner, command: string, name: string, ...flags: string[]): Promise<string> {
  checkName(name, 'pool')
  return runner.run([command, name, ...flags])
}

/** Writes the marker volume that proves ownership (idempotent). */
export async function markPoolOwned(runner: VirshRunner, pool: string, owner: Owner): Promise<void> {
  const marker = checkName(poolMarkerName(owner), 'volume')
  try {
    await poolCommand(runner, 'vol-create-as', pool, marker, '0', '--format', 'raw')
  } catch (error) {
    if (!hasCode(error, 'HYPERVISOR_ALREADY_EXISTS')) throw error
  }
}

export async function createVolume(runner: VirshRunner, pool: string, xml: string): Promise<void> {
  checkName(pool, 'pool')
  await runner.run(['vol-create', pool, '/dev/stdin'], {input: xml})
}

export async function deleteVolume(runner: VirshRunner, pool: string, name: string): Promise<void> {
  checkName(pool, 'pool')
  await runner.run(['vol-delete', '--pool', pool, checkName(name, 'volume')])
}

export async function listVolumes(runner: VirshRunner, pool: string): Promise<VolumeSummary[]> {
  return parseVolumes(await poolCommand(runner, 'vol-list', pool))
}

export async function volumePath(runner: VirshRunner, pool: string, name: string): Promise<string> {
  checkName(pool, 'pool')
  return (await runner.run(['vol-path', '--pool', pool, checkName(name, 'volume')])).trim()
}

/** Every pool with its target path and owner: two virsh processes whatever the number of pools. */
export async function listPools(runner: VirshRunner): Promise<PoolSummary[]> {
  const [uuidText = ''] = await runner.batch([['pool-list', '--all', '--uuid']])
  const uuids = parseUuids(uuidText)
  const outputs = await runner.batch(uuids.flatMap(poolQueries))
  return uuids.flatMap((uuid, i) => poolFromOutputs(uuid, outputs.slice(3 * i, 3 * i + 3)) ?? []).sort((a, b) => a.name.localeCompare(b.name))
}

/** The batch commands whose outputs `poolFromOutputs` reads. */
export function poolQueries(uuid: string): string[][] {
  return [['pool-info', uuid], ['pool-dumpxml', uuid], ['vol-list', uuid]]
}

/** A PoolSummary from the outputs of `poolQueries` (undefined when the pool vanished meanwhile). */
export function poolFromOutputs(uuid: string, [info = '', xml = '', volumes = '']: readonly string[]): PoolSummary | undefined {
  if (xml === '') return undefined
  const pool = parseXml(xml, 'pool')
  const markers = parseVolumes(volumes).flatMap((v) => ownerFromMarker(v.name) ?? [])
  return {
    name: text(pool, 'name') ?? '',
    uuid,
    active: parseInfo(info).get('State') === 'running',
    path: text(child(pool, 'target'), 'path'),
    owner: markers[0],
  }
}

interface ImageInfo {
  virtualSize: number
  format: string
}

async function imageInfo(runner: VirshRunner, imagePath: string): Promise<ImageInfo> {
  const json = JSON.parse(await runner.tool('qemu-img', ['info', '--output=json', imagePath], 60_000)) as Record<string, unknown>
  const virtualSize = json['virtual-size']
  const format = json.format
  if (typeof virtualSize !== 'number' || typeof format !== 'string' || !/^[a-z0-9]+$/.test(format)) {
    throw new HypervisorError(`qemu-img info gave no size or format for ${imagePath}`, {
      code: 'HYPERVISOR_BAD_IMAGE',
      actions: [`Check the image with \`qemu-img info ${imagePath}\`; base images must be qcow2 or raw disk images.`],
    })
  }
  return {virtualSize, format}
}

/**
 * Copies `imagePath` into `pool` as volume `name`, once. 'upload' creates a volume of the image's
 * size and format and streams the file's bytes through libvirt (works on remote URIs); 'convert'
 * writes a qcow2 straight into the pool's folder with qemu-img (local URIs only) and refreshes the
 * pool. A half-written volume is deleted before the error is raised.
 */
export async function importBaseImage(
  runner: VirshRunner,
  pool: string,
  name: string,
  imagePath: string,
  method: BaseImageMethod = 'upload',
): Promise<{path: string; created: boolean}> {
  checkName(pool, 'pool')
  checkName(name, 'volume')
  checkPath(imagePath)
  const existing = await listVolumes(runner, pool)
  const found = existing.find((v) => v.name === name)
  if (found) return {path: found.path, created: false}
  try {
    if (method === 'upload') {
      const info = await imageInfo(runner, imagePath)
      await runner.run(['vol-create-as', pool, name, String(info.virtualSize), '--format', info.format])
      await runner.run(['vol-upload', '--pool', pool, name, imagePath], {timeoutMs: IMPORT_TIMEOUT_MS})
    } else {
      const dir = text(child(parseXml(await poolCommand(runner, 'pool-dumpxml', pool), 'pool'), 'target'), 'path')
      if (dir === undefined) throw new HypervisorError(`pool ${pool} has no target path`, {code: 'HYPERVISOR_BAD_POOL', actions: ['Use a dir pool, or import with the upload method.']})
      await runner.tool('qemu-img', ['convert', '-O', 'qcow2', imagePath, `${dir}/${name}`], IMPORT_TIMEOUT_MS)
      await poolCommand(runner, 'pool-refresh', pool)
    }
  } catch (error) {
    if (method === 'convert') await runner.attempt(['pool-refresh', pool])
    await runner.attempt(['vol-delete', '--pool', pool, name])
    throw error
  }
  return {path: await volumePath(runner, pool, name), created: true}
}
