/**
 * Finds the repository's `templates/` folder: `options.templatesDir` if given, else the nearest
 * ancestor of this module that holds `templates/cloud-init/user-data.hbs` (works from src/ and dist/).
 */
import {existsSync} from 'node:fs'
import path from 'node:path'
import {HostError} from '@ai-how/core'

const PROBE = path.join('cloud-init', 'user-data.hbs')

export function findTemplatesDir(start: string = import.meta.dirname): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'templates')
    if (existsSync(path.join(candidate, PROBE))) return candidate
    if (path.dirname(dir) === dir) break
  }
  throw new HostError(`cannot find the ai-how templates folder (templates/${PROBE}) above ${start}`, {
    code: 'TEMPLATES_NOT_FOUND',
    actions: ['Reinstall ai-how: its templates/ folder is missing.'],
  })
}
