/**
 * The folder of this package's templates (`templates/cloud-init/`, `templates/libvirt/`), shipped in
 * the package (listed in its package.json `files`) and found at a fixed place relative to this
 * module: the package root is one level above src/ (under tsx) or dist/ (built or installed). It is
 * never searched for upward: an installed plugin-hpc must not pick up an unrelated `templates/`
 * folder in some parent of where it is installed.
 */
import {existsSync} from 'node:fs'
import path from 'node:path'
import {HostError} from '@ai-how/core'

/** The package root of the module in `moduleDir` (a folder directly under src/ or dist/). */
export function packageRootOf(moduleDir: string): string {
  return path.resolve(moduleDir, '..')
}

/**
 * `<package root>/templates`, checked to hold `probe` (a path inside it). `moduleDir` is this module's
 * folder; tests pass another to show that nothing above the package root is ever looked at.
 */
export function templatesDir(probe: string = path.join('cloud-init', 'user-data.hbs'), moduleDir: string = import.meta.dirname): string {
  const dir = path.join(packageRootOf(moduleDir), 'templates')
  if (existsSync(path.join(dir, probe))) return dir
  throw new HostError(`the ai-how templates are missing: ${path.join(dir, probe)} does not exist`, {
    code: 'TEMPLATES_NOT_FOUND',
    actions: ['Reinstall ai-how (@ai-how/plugin-hpc): its templates/ folder is missing or incomplete.'],
  })
}

/** The templates folder that holds libvirt/ (the generic domain, network, pool and volume templates). */
export function libvirtTemplatesDir(moduleDir: string = import.meta.dirname): string {
  return templatesDir(path.join('libvirt', 'domain.xml.hbs'), moduleDir)
}
