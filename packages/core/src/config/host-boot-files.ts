/** `validate --check-host`: every kernel and initrd of direct kernel boot exists and is a readable regular file. */
import {constants} from 'node:fs'
import {access, stat} from 'node:fs/promises'
import type {ClusterDescription} from '../contracts/cluster.js'
import type {HostCheckResult} from '../contracts/extensions.js'

type What = 'kernel' | 'initrd'

interface Use {
  what: What
  file: string
  users: string[]
  /** The libvirt URI whose host reads the file. */
  uri: string
}

/** qemu:///system, test:///default: a URI without a host part, so the files are read on this machine. */
function isLocalUri(uri: string): boolean {
  return /^[a-z][a-z0-9+]*:\/\/\//.test(uri)
}

async function problemOf(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file)
    if (info.isDirectory()) return 'is a folder, not a file'
    if (!info.isFile()) return 'is not a regular file'
    await access(file, constants.R_OK)
    return undefined
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`
  }
}

async function checkFile(use: Use): Promise<HostCheckResult> {
  const id = `boot-file:${use.file}`
  const usedBy = `${use.what} of ${use.users.join(', ')}`
  if (!isLocalUri(use.uri)) return {id, ok: true, message: `${use.what} ${use.file} is read by the libvirt host of ${use.uri}: not checked here (${usedBy})`, fix: []}
  const problem = await problemOf(use.file)
  if (problem === undefined) return {id, ok: true, message: `${use.what} ${use.file} is a readable file (${usedBy})`, fix: []}
  return {id, ok: false, message: `${use.what} ${use.file} ${problem} (${usedBy})`, fix: [`put the ${use.what} image at ${use.file}, or point ${use.what} at one (a relative path is relative to the config file)`]}
}

/** One result per distinct kernel and initrd of these clusters' nodes. */
export async function checkBootFiles(clusters: readonly ClusterDescription[]): Promise<HostCheckResult[]> {
  const uses = new Map<string, Use>()
  for (const cluster of clusters) {
    const uri = cluster.libvirtUri ?? 'qemu:///system'
    for (const node of cluster.nodes) {
      const files: [What, string | undefined][] = [['kernel', node.kernelPath], ['initrd', node.initrdPath]]
      for (const [what, file] of files) {
        if (file === undefined) continue
        const key = `${what}\0${uri}\0${file}`
        const use = uses.get(key) ?? {what, file, users: [], uri}
        use.users.push(`${cluster.kind}/${node.key}`)
        uses.set(key, use)
      }
    }
  }
  return Promise.all([...uses.values()].map(checkFile))
}
