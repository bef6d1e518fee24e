import path from 'node:path'

import {parseEnvLines, requireKey} from './env-file.js'
import {run} from './exec.js'
import {e2eDir} from './paths.js'

/** The cached Debian guest image (see test/e2e/build-image.sh) and what boots it. */
export interface GuestImage {
  /** Base qcow2 (an ext4 filesystem on the whole disk, label `root`): back overlays with it, never write it. */
  image: string
  kernel: string
  initrd: string
  /** Kernel command line for direct kernel boot. */
  cmdline: string
  /** The cloud-init default user that receives `ssh_authorized_keys`. */
  user: string
  /** Hash of the recipe the image was built from. */
  recipe: string
}

/** Builds the image on first use (a few minutes, once per recipe), then returns the cached one. */
export async function ensureGuestImage(): Promise<GuestImage> {
  const {stdout} = await run(path.join(e2eDir, 'build-image.sh'), [], {timeoutMs: 30 * 60_000})
  const values = parseEnvLines(stdout)
  const key = (name: string): string => requireKey(values, name, 'build-image.sh')
  return {
    image: key('AI_HOW_E2E_IMAGE'),
    kernel: key('AI_HOW_E2E_KERNEL'),
    initrd: key('AI_HOW_E2E_INITRD'),
    cmdline: key('AI_HOW_E2E_CMDLINE'),
    user: key('AI_HOW_E2E_GUEST_USER'),
    recipe: key('AI_HOW_E2E_RECIPE'),
  }
}
