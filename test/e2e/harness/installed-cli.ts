/**
 * ai-how as a user installs it: `npm pack` of every workspace package (each one's prepack writes its
 * oclif manifest, its postpack removes it again), then all the tarballs installed into an empty
 * prefix with `npm install --global --prefix PREFIX core.tgz plugin-hpc.tgz ...`.
 *
 * How the packages find each other: the tarballs go into ONE install command. Each becomes a
 * top-level global package in PREFIX/lib/node_modules/@ai-how/, and core's dependencies on the
 * plugins (and the plugins' peer dependency on core, all exact 0.1.0) are met by those siblings,
 * which Node's resolution finds by walking up from each package; npm fetches no @ai-how package
 * from the registry (installCli checks that exactly one copy of each exists, the packed one).
 * Only third-party dependencies come from the registry (or npm's cache: --prefer-offline).
 * Installing the tarballs one command each would instead look the plugins up in the registry.
 */
import {access, mkdtemp, readFile, readdir} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {execa} from 'execa'

import {repoRoot} from './paths.js'

/** One `npm pack` result: the package, its tarball and the paths in it (sorted). */
export interface PackedPackage {
  name: string
  /** The workspace folder it was packed from, relative to the repository root. */
  workspace: string
  tarball: string
  files: string[]
}

export interface InstalledCli {
  /** The prefix (bin/ai-how, lib/node_modules/@ai-how/*). */
  prefix: string
  /** PREFIX/bin/ai-how, the link npm made to core's bin/run.js. */
  bin: string
  packed: PackedPackage[]
}

/** npm's environment without what an enclosing `npm run` exports (npm_config_*), so that nothing of it leaks in. */
function npmEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.toLowerCase().startsWith('npm_')) env[key] = value
  }
  return env
}

/** Whether an `npm` runs here (the packaging tests skip without one). */
export async function npmAvailable(): Promise<boolean> {
  return execa('npm', ['--version'], {env: npmEnv(), extendEnv: false}).then(() => true, () => false)
}

/** The workspace folders the root package.json lists. */
export async function workspaces(): Promise<string[]> {
  const root = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {workspaces: string[]}
  return root.workspaces
}

/** `npm pack` of every workspace into `destination` (the packages must be built: npm run build). */
export async function packWorkspaces(destination: string): Promise<PackedPackage[]> {
  const folders = await workspaces()
  for (const folder of folders) {
    await access(path.join(repoRoot, folder, 'dist', 'index.js')).catch(() => {
      throw new Error(`${folder} is not built (no dist/index.js): run npm run build first`)
    })
  }
  const args = ['pack', '--json', '--pack-destination', destination, ...folders.flatMap((w) => ['--workspace', w])]
  const result = await execa('npm', args, {cwd: repoRoot, env: npmEnv(), extendEnv: false, timeout: 5 * 60_000})
  const reports = JSON.parse(result.stdout) as {name: string; filename: string; files: {path: string}[]}[]
  const folderOf = new Map<string, string>()
  for (const folder of folders) {
    const manifest = JSON.parse(await readFile(path.join(repoRoot, folder, 'package.json'), 'utf8')) as {name: string}
    folderOf.set(manifest.name, folder)
  }
  return reports.map((report) => ({
    name: report.name,
    workspace: folderOf.get(report.name) ?? '',
    tarball: path.join(destination, report.filename),
    files: report.files.map((f) => f.path).sort(),
  }))
}

/** Every package.json under `dir` whose name is `@ai-how/...`: where each installed @ai-how package is. */
export async function findAiHowPackages(dir: string): Promise<string[]> {
  const found: string[] = []
  for (const entry of await readdir(dir, {withFileTypes: true, recursive: true})) {
    if (entry.name !== 'package.json' || !entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    const name = (JSON.parse(await readFile(file, 'utf8')) as {name?: unknown}).name
    if (typeof name === 'string' && name.startsWith('@ai-how/')) found.push(path.relative(dir, entry.parentPath))
  }
  return found.sort()
}

/** All the tarballs into `prefix` in one `npm install --global`. */
export async function installTarballs(tarballs: readonly string[], prefix: string): Promise<void> {
  const args = ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel', 'error', ...tarballs]
  await execa('npm', args, {cwd: prefix, env: npmEnv(), extendEnv: false, timeout: 10 * 60_000})
}

/**
 * Packs every workspace and installs the tarballs into a new, empty prefix under `root` (a new temp
 * folder by default; the caller removes it). Throws unless exactly the packed @ai-how packages,
 * one copy each, were installed.
 */
export async function installCli(root?: string): Promise<InstalledCli> {
  const base = root ?? (await mkdtemp(path.join(os.tmpdir(), 'ai-how-installed-')))
  const packs = await mkdtemp(path.join(base, 'packs-'))
  const prefix = await mkdtemp(path.join(base, 'prefix-'))
  const packed = await packWorkspaces(packs)
  await installTarballs(packed.map((p) => p.tarball), prefix)
  const installed = await findAiHowPackages(prefix)
  const expected = packed.map((p) => path.join('lib', 'node_modules', p.name)).sort()
  if (JSON.stringify(installed) !== JSON.stringify(expected)) {
    throw new Error(`installed @ai-how packages ${installed.join(', ')}; expected exactly ${expected.join(', ')}`)
  }
  return {prefix, bin: path.join(prefix, 'bin', 'ai-how'), packed}
}
