// A host root for the GPU plugin (AI_HOW_SYSFS_ROOT) that shows a GPU ready for passthrough (IOMMU
// on, the GPU and its audio function bound to vfio-pci, alone in their group with their root port)
// at a PCI address that no machine has: the fixture tree workstation-vfio with 0000:01:00.x moved
// to bus 0x7e. ai-how's checks pass, it defines the domain with both functions as hostdevs and
// claims the GPU; libvirt, which reads the real sysfs, then refuses to start the domain (the device
// does not exist), so no real device is ever touched.
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {cp, readlink, rename, rm, symlink} from 'node:fs/promises'
import path from 'node:path'

import {repoRoot} from '../harness/index.js'

export const FAKE_GPU = '0000:7e:00.0'
const MOVES: [string, string][] = [['0000:01:00.0', FAKE_GPU], ['0000:01:00.1', '0000:7e:00.1']]

/** Writes the tree under `dir` (made) and returns it; fails when the host has the address. */
export async function fakeVfioSysfs(dir: string): Promise<string> {
  for (const [, to] of MOVES) assert.ok(!existsSync(`/sys/bus/pci/devices/${to}`), `${to} exists on this host: pick another address`)
  const fixtures = path.join(repoRoot, 'test', 'fixtures', 'sysfs')
  await cp(path.join(fixtures, 'workstation-vfio'), dir, {recursive: true, verbatimSymlinks: true})
  // Its pci.ids is a link to the excerpt beside the trees: a copy here.
  const ids = path.join(dir, 'usr', 'share', 'misc', 'pci.ids')
  await rm(ids)
  await cp(path.join(fixtures, 'pci.ids'), ids)
  const devices = path.join(dir, 'sys', 'bus', 'pci', 'devices')
  const group = path.join(dir, 'sys', 'kernel', 'iommu_groups', '13', 'devices')
  for (const [from, to] of MOVES) {
    await rename(path.join(devices, from), path.join(devices, to))
    const link = path.join(group, from)
    const target = (await readlink(link)).replace(from, to)
    await rm(link)
    await symlink(target, path.join(group, to))
  }
  return dir
}
