import {createHash} from 'node:crypto'
import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, rename, rm, writeFile} from 'node:fs/promises'
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

/**
 * Variants of the tuned image, each one file written into its filesystem: what an ordinary image
 * does that the tuned one is spared. `plain-locale-fail`: cloud-init's locale module runs with the
 * distro default (en_US.UTF-8), which the image never generated (nothing enabled in
 * /etc/locale.gen), so `update-locale` exits 255 and cloud-init reports exactly one failed module
 * (`locale`) while SSH, the user, its key, sudo and the hostname all work.
 */
export const IMAGE_VARIANTS = {
  'plain-locale-fail': {
    file: '/etc/cloud/cloud.cfg.d/95-ai-how-e2e-plain-locale.cfg',
    text: '# e2e image variant plain-locale-fail: the locale module runs as on a plain image, and fails.\nlocale: en_US.UTF-8\n',
  },
  /**
   * `no-dbus-no-agent`: dbus and the QEMU guest agent masked (systemd symlinks to /dev/null in
   * /etc/systemd/system), as on a plain minimal image: no dbus means no logind, so nothing in the
   * guest acts on the ACPI power button, and no agent answers on its channel.
   */
  'no-dbus-no-agent': {
    masks: ['dbus.service', 'dbus.socket', 'qemu-guest-agent.service'],
  },
} as const satisfies Record<string, {file: string; text: string} | {masks: readonly string[]}>

export type ImageVariant = keyof typeof IMAGE_VARIANTS

/**
 * Builds the image on first use (a few minutes, once per recipe), then returns the cached one. A
 * variant is derived from it (seconds, once per base recipe and variant): the base converted to a raw
 * ext4 file, the variant's file written in with debugfs, converted back to a standalone qcow2 in
 * <base folder>/variants/<name>-<hash>/.
 */
export async function ensureGuestImage(variant?: ImageVariant): Promise<GuestImage> {
  const base = await ensureBaseImage()
  return variant === undefined ? base : deriveVariant(base, variant)
}

async function deriveVariant(base: GuestImage, name: ImageVariant): Promise<GuestImage> {
  const def = IMAGE_VARIANTS[name]
  const hash = createHash('sha256').update(JSON.stringify({name, ...def})).digest('hex').slice(0, 12)
  const dir = path.join(path.dirname(base.image), 'variants', `${name}-${hash}`)
  const image = path.join(dir, 'base.qcow2')
  const derived = {...base, image, recipe: `${base.recipe}+${name}-${hash}`}
  if (existsSync(image)) return derived
  await mkdir(path.dirname(dir), {recursive: true})
  const work = await mkdtemp(path.join(path.dirname(dir), `.build-${name}-`))
  try {
    const raw = path.join(work, 'root.raw')
    await run('qemu-img', ['convert', '-O', 'raw', base.image, raw], {timeoutMs: 10 * 60_000})
    if ('masks' in def) await maskUnits(work, raw, name, def.masks)
    else await writeImageFile(work, raw, name, def)
    await run('e2fsck', ['-f', '-n', raw])
    const out = path.join(work, 'out')
    await mkdir(out)
    await run('qemu-img', ['convert', '-O', 'qcow2', raw, path.join(out, 'base.qcow2')], {timeoutMs: 10 * 60_000})
    await rename(out, dir)
  } finally {
    await rm(work, {recursive: true, force: true})
  }
  return derived
}

async function writeImageFile(work: string, raw: string, name: string, def: {file: string; text: string}): Promise<void> {
  const source = path.join(work, path.basename(def.file))
  await writeFile(source, def.text, {mode: 0o644})
  await writeFile(path.join(work, 'debugfs.cmd'), `cd ${path.dirname(def.file)}\nwrite ${source} ${path.basename(def.file)}\n`)
  await run('debugfs', ['-w', '-f', path.join(work, 'debugfs.cmd'), raw])
  // debugfs reports a failed write on stdout and still exits 0: read the file back.
  const back = await run('debugfs', ['-R', `cat ${def.file}`, raw])
  if (back.stdout !== def.text.replace(/\n$/, '')) throw new Error(`image variant ${name}: ${def.file} reads back as ${JSON.stringify(back.stdout)}`)
}

/** Masks systemd units: a symlink to /dev/null in /etc/systemd/system each (whatever was there goes). */
async function maskUnits(work: string, raw: string, name: string, units: readonly string[]): Promise<void> {
  const script = ['cd /etc/systemd/system', ...units.flatMap((u) => [`rm ${u}`, `symlink ${u} /dev/null`])].join('\n')
  await writeFile(path.join(work, 'debugfs.cmd'), `${script}\n`)
  await run('debugfs', ['-w', '-f', path.join(work, 'debugfs.cmd'), raw])
  for (const unit of units) {
    const back = await run('debugfs', ['-R', `stat /etc/systemd/system/${unit}`, raw])
    if (!back.stdout.includes('Fast link dest: "/dev/null"')) throw new Error(`image variant ${name}: ${unit} is not masked: ${back.stdout.slice(0, 300)}`)
  }
}

async function ensureBaseImage(): Promise<GuestImage> {
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
