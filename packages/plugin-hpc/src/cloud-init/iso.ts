/**
 * Builds a VM's NoCloud seed ISO (volume label `cidata`, files user-data, meta-data and
 * network-config at its root) with the first ISO tool found: genisoimage (Debian package
 * genisoimage), xorriso in mkisofs mode (xorriso), or cloud-localds (cloud-image-utils).
 */
import {constants} from 'node:fs'
import {access, mkdir, mkdtemp, rename, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {HostError} from '@ai-how/core'
import {SEED_FILE_NAMES, renderSeedFiles} from './render.js'
import type {SeedFiles} from './render.js'
import type {SeedView} from './view.js'

export const SEED_VOLUME_ID = 'cidata'

export type IsoTool = 'genisoimage' | 'xorriso' | 'cloud-localds'

const TOOLS: readonly IsoTool[] = ['genisoimage', 'xorriso', 'cloud-localds']

export interface BuildSeedIsoOptions {
  templatesDir?: string
  /** Use this tool instead of the first one found on PATH. */
  tool?: IsoTool
  /** PATH to search (default process.env.PATH). */
  searchPath?: string
}

export interface SeedIso {
  path: string
  tool: IsoTool
  files: SeedFiles
}

/** Renders the seed for `view` and writes it as an ISO to `outFile` (replaced atomically). */
export async function buildSeedIso(view: SeedView, outFile: string, options: BuildSeedIsoOptions = {}): Promise<SeedIso> {
  const files = await renderSeedFiles(view, options.templatesDir === undefined ? {} : {templatesDir: options.templatesDir})
  const tool = options.tool ?? (await findIsoTool(options.searchPath))
  const target = path.resolve(outFile)
  await mkdir(path.dirname(target), {recursive: true})
  const work = await mkdtemp(path.join(os.tmpdir(), 'ai-how-seed-'))
  const partial = `${target}.partial-${process.pid}`
  try {
    for (const name of SEED_FILE_NAMES) await writeFile(path.join(work, name), files[name], {mode: 0o644})
    const [command, ...args] = isoCommand(tool, partial)
    if (command === undefined) throw new Error('empty ISO command')
    const {execa} = await import('execa')
    const result = await execa(command, args, {cwd: work, reject: false, stdin: 'ignore'})
    if (result.failed) {
      const detail = result.stderr.trim() !== '' ? result.stderr.trim() : (result.shortMessage ?? `exit code ${result.exitCode ?? '?'}`)
      throw new HostError(`${tool} could not build the seed ISO ${target}: ${detail}`, {
        code: 'SEED_ISO_FAILED',
        actions: [`Check that ${path.dirname(target)} is writable and has free space.`],
        details: {command: [command, ...args], exitCode: result.exitCode},
      })
    }
    await rename(partial, target)
    return {path: target, tool, files}
  } finally {
    await rm(work, {recursive: true, force: true})
    await rm(partial, {force: true})
  }
}

/** The argument array for a tool, run inside the folder that holds the three seed files. */
export function isoCommand(tool: IsoTool, outFile: string): string[] {
  const mkisofs = ['-output', outFile, '-volid', SEED_VOLUME_ID, '-joliet', '-rock', ...SEED_FILE_NAMES]
  switch (tool) {
    case 'genisoimage': return ['genisoimage', '-quiet', ...mkisofs]
    case 'xorriso': return ['xorriso', '-as', 'mkisofs', ...mkisofs]
    case 'cloud-localds': return ['cloud-localds', '--network-config', 'network-config', outFile, 'user-data', 'meta-data']
  }
}

/** The first ISO tool on PATH, or a HostError naming the Debian packages that provide one. */
export async function findIsoTool(searchPath: string = process.env.PATH ?? ''): Promise<IsoTool> {
  for (const tool of TOOLS) {
    for (const dir of searchPath.split(path.delimiter).filter((d) => d !== '')) {
      try {
        await access(path.join(dir, tool), constants.X_OK)
        return tool
      } catch {
        // not in this folder
      }
    }
  }
  throw new HostError('no tool to build cloud-init seed ISOs was found (genisoimage, xorriso or cloud-localds)', {
    code: 'ISO_TOOL_MISSING',
    actions: ['Install one: sudo apt-get install genisoimage (or the xorriso package, or cloud-image-utils for cloud-localds).'],
  })
}
