/**
 * The deploy playbook shipped with this package (`playbooks/slurm.yml`, listed in its package.json
 * `files`), run when an hpc config names no `deploy.playbook`. Found at a fixed place relative to
 * this module, like the templates (templates-dir.ts): never searched for upward.
 */
import {existsSync} from 'node:fs'
import path from 'node:path'
import {HostError} from '@ai-how/core'
import {packageRootOf} from './templates-dir.js'

/** `<package root>/playbooks/slurm.yml`; `moduleDir` is this module's folder (tests pass another). */
export function builtinPlaybookPath(moduleDir: string = import.meta.dirname): string {
  const file = path.join(packageRootOf(moduleDir), 'playbooks', 'slurm.yml')
  if (existsSync(file)) return file
  throw new HostError(`the ai-how Slurm playbook is missing: ${file} does not exist`, {
    code: 'PLAYBOOK_NOT_FOUND',
    actions: ['Reinstall ai-how (@ai-how/plugin-hpc): its playbooks/ folder is missing or incomplete.', 'Or name your own playbook in deploy.playbook of the config.'],
  })
}
