/** `validate --check-host`: every node's base image exists and is a qcow2 file (magic bytes QFI\xfb). */
import {open} from 'node:fs/promises'
import type {ClusterDescription} from '../contracts/cluster.js'
import type {HostCheckResult} from '../contracts/extensions.js'

const QCOW2_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb])

async function readMagic(file: string): Promise<Buffer> {
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.alloc(4)
    const {bytesRead} = await handle.read(buffer, 0, 4, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

async function checkImage(file: string, users: readonly string[]): Promise<HostCheckResult> {
  const id = `base-image:${file}`
  const usedBy = `used by ${users.join(', ')}`
  let magic: Buffer
  try {
    magic = await readMagic(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code ?? String(error)})`
    return {id, ok: false, message: `base image ${file} ${reason} (${usedBy})`, fix: [`put a qcow2 cloud image at ${file}, or point base_image_path at one`]}
  }
  if (!magic.equals(QCOW2_MAGIC)) {
    return {id, ok: false, message: `base image ${file} is not a qcow2 image (${usedBy})`, fix: [`convert it: qemu-img convert -O qcow2 ${file} ${file.replace(/(\.qcow2)?$/, '.converted.qcow2')}`, 'then point base_image_path at the converted file']}
  }
  return {id, ok: true, message: `base image ${file} is qcow2 (${usedBy})`, fix: []}
}

/** One result per distinct base image of these clusters' nodes. */
export async function checkBaseImages(clusters: readonly ClusterDescription[]): Promise<HostCheckResult[]> {
  const users = new Map<string, string[]>()
  for (const cluster of clusters) {
    for (const node of cluster.nodes) {
      if (node.baseImagePath === undefined) continue
      users.set(node.baseImagePath, [...(users.get(node.baseImagePath) ?? []), `${cluster.kind}/${node.key}`])
    }
  }
  return Promise.all([...users].map(([file, names]) => checkImage(file, names)))
}
