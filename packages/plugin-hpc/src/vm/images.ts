/**
 * Base images of a cluster: which base volume each node boots from (the cluster's image is
 * `<name>-base.qcow2`; a node with its own image gets `<name>-base-<hash>.qcow2`), and the check,
 * before anything is created, that every image, kernel and initrd the new nodes need is readable.
 */
import {createHash} from 'node:crypto'
import {constants} from 'node:fs'
import {access} from 'node:fs/promises'
import {ConfigError} from '@ai-how/core'
import type {NodeDescription} from '@ai-how/core'
import {baseVolumeName} from '../naming/index.js'
import type {NodeVmOptions} from './types.js'

export function nodeImage(node: NodeDescription, clusterImage: string): string {
  return node.baseImagePath ?? clusterImage
}

export function baseVolumeFor(cluster: string, clusterImage: string, image: string): string {
  if (image === clusterImage) return baseVolumeName(cluster)
  const hash = createHash('sha256').update(image).digest('hex').slice(0, 8)
  return `${baseVolumeName(cluster).replace(/\.qcow2$/, '')}-${hash}.qcow2`
}

/** qemu:///system, qemu+unix:///system, test:///default: no host part. */
export function isLocalUri(uri: string): boolean {
  return /^[a-z][a-z0-9+]*:\/\/\//.test(uri)
}

async function readable(file: string): Promise<boolean> {
  try {
    await access(file, constants.R_OK)
    return true
  } catch {
    return false
  }
}

/** Every missing file of the nodes to create, as one error naming each node and file. */
export async function checkNodeFiles(nodes: readonly NodeDescription[], clusterImage: string, options: (n: NodeDescription) => NodeVmOptions, uri: string): Promise<void> {
  const problems: string[] = []
  for (const node of nodes) {
    // Images are uploaded from this machine; kernel and initrd are read by the libvirt host (only checkable when it is this one).
    const boot = isLocalUri(uri) ? options(node).kernel : undefined
    const files: [string, string | undefined][] = [['base image', nodeImage(node, clusterImage)], ['kernel', boot?.path], ['initrd', boot?.initrd]]
    for (const [what, file] of files) {
      if (file !== undefined && !(await readable(file))) problems.push(`${node.vmName}: ${what} ${file} does not exist or cannot be read`)
    }
  }
  if (problems.length === 0) return
  throw new ConfigError(`files the new VMs need are missing:\n  ${problems.join('\n  ')}`, {
    code: 'IMAGE_NOT_FOUND',
    actions: ['Fix base_image_path (cluster or node), kernel and initrd in the config (relative paths are relative to the config file), or build the image first. Nothing was created.'],
    details: {problems},
  })
}
