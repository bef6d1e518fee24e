/**
 * Finds the repository's `templates/` folder: the nearest ancestor of `start` (this module by
 * default; works from src/ and dist/) whose `templates/` holds `probe` (a path inside templates/).
 */
import {existsSync} from 'node:fs'
import path from 'node:path'
import {HostError} from '@ai-how/core'

export function findTemplatesDir(probe: string = path.join('cloud-init', 'user-data.hbs'), start: string = import.meta.dirname): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'templates')
    if (existsSync(path.join(candidate, probe))) return candidate
    if (path.dirname(dir) === dir) break
  }
  throw new HostError(`cannot find the ai-how templates folder (templates/${probe}) above ${start}`, {
    code: 'TEMPLATES_NOT_FOUND',
    actions: ['Reinstall ai-how: its templates/ folder is missing.'],
  })
}
