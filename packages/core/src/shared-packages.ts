/**
 * A plugin that `ai-how plugins install` put in <dataDir>/node_modules imports @ai-how/core and
 * @ai-how/plugin-hpc (the VM base classes) as peer dependencies: they are not on the npm registry,
 * and Node looks for them only in node_modules folders above the plugin. So before any plugin's
 * hook or command is imported, <dataDir>/node_modules/@ai-how/<name> is made a symlink to the
 * package this CLI runs: the plugin then shares the CLI's own modules (one ClusterCommand, one
 * StateStore). npm removes such links whenever it installs in the data dir (they are no
 * dependency of it), so they are checked on every run: one stat when no plugin is installed, one
 * readlink per package otherwise. A real folder there (a package npm installed) is left alone.
 */
import {mkdir, readlink, rename, rm, stat, symlink} from 'node:fs/promises'
import path from 'node:path'

export interface SharedPackage {
  name: string
  root: string
}

const SCOPE = '@ai-how/'

/** The CLI's own packages of the @ai-how scope, from oclif's list of plugins (core ones only: not user-installed or linked). */
export function sharedPackages(plugins: readonly {name: string; root: string; type: string}[]): SharedPackage[] {
  return plugins.filter((p) => p.type === 'core' && p.name.startsWith(SCOPE)).map((p) => ({name: p.name, root: p.root}))
}

type Entry = {kind: 'link'; target: string} | {kind: 'absent'} | {kind: 'other'}

async function entryAt(file: string): Promise<Entry> {
  try {
    return {kind: 'link', target: await readlink(file)}
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return {kind: 'absent'}
    // EINVAL: a real folder (or file), not a link.
    if (code === 'EINVAL') return {kind: 'other'}
    throw error
  }
}

/** Makes each package reachable from <dataDir>/node_modules; returns the links it (re)wrote. */
export async function linkSharedPackages(dataDir: string, packages: readonly SharedPackage[]): Promise<string[]> {
  const modules = path.join(dataDir, 'node_modules')
  const exists = await stat(modules).then(() => true, () => false)
  if (!exists) return []
  const written: string[] = []
  for (const pkg of packages) {
    const link = path.join(modules, pkg.name)
    const entry = await entryAt(link)
    if (entry.kind === 'other' || (entry.kind === 'link' && entry.target === pkg.root)) continue
    await mkdir(path.dirname(link), {recursive: true})
    // A new link beside it, then renamed over: a concurrent ai-how never sees the name missing.
    const temporary = `${link}.${process.pid}.tmp`
    await rm(temporary, {force: true})
    await symlink(pkg.root, temporary, 'dir')
    await rename(temporary, link)
    written.push(link)
  }
  return written
}
