/** Views of the cluster's dir pool and of its volumes (a node's qcow2 overlay on the base volume). */
import {checkName, checkPath, checkUuid} from '../hypervisor/validate.js'
import type {PoolView, VolumeView} from './views.js'
import {assertXmlText} from './xml-safe.js'

const GIB = 1024 ** 3

export function buildPoolView(options: {name: string; path: string; uuid?: string}): PoolView {
  const view: PoolView = {
    name: checkName(options.name, 'pool'),
    uuid: options.uuid === undefined ? null : checkUuid(options.uuid),
    path: checkPath(options.path),
  }
  assertXmlText(view)
  return view
}

/** A qcow2 overlay of `backingPath` (the base volume's path) with the node's disk size. */
export function buildOverlayVolumeView(options: {name: string; diskGb: number; backingPath: string; backingFormat?: 'qcow2' | 'raw'}): VolumeView {
  if (!Number.isInteger(options.diskGb) || options.diskGb < 1) throw new RangeError(`disk size must be a whole number of GiB >= 1, got ${options.diskGb}`)
  const view: VolumeView = {
    name: checkName(options.name, 'volume'),
    capacityBytes: options.diskGb * GIB,
    format: 'qcow2',
    backing: {path: checkPath(options.backingPath), format: options.backingFormat ?? 'qcow2'},
  }
  assertXmlText(view)
  return view
}
