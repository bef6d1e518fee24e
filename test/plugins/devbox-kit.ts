/** Helpers of the devbox plugin tests (unit and e2e): pack the example, write a config, find warnings. */
import {execFile} from 'node:child_process'
import path from 'node:path'
import {promisify} from 'node:util'
import {repoRoot} from './cli.js'

const run = promisify(execFile)

export const devboxDir = path.join(repoRoot, 'examples/plugin-devbox')

/** `npm pack` of examples/plugin-devbox into `dir` (its prepack writes oclif.manifest.json); the tarball's path. */
export async function packDevbox(dir: string): Promise<string> {
  const {stdout} = await run('npm', ['pack', devboxDir, '--pack-destination', dir, '--json'], {cwd: dir, timeout: 120_000})
  const [packed] = JSON.parse(stdout) as {filename: string}[]
  if (!packed) throw new Error(`npm pack printed no tarball: ${stdout}`)
  return path.join(dir, packed.filename)
}

export interface DevboxConfigInput {
  uri?: string
  image: string
  name?: string
  count?: number
  subnet?: string
  bridge?: string
  /** Extra lines of the vm entry (6 spaces of indentation). */
  vmExtra?: string
  /** Extra lines of the section (4 spaces), e.g. hardware. */
  sectionExtra?: string
}

export function devboxConfig(c: DevboxConfigInput): string {
  const subnet = c.subnet ?? '192.168.160'
  return `version: "1.0"
metadata:
  name: devbox-test
  description: boxes of the example plugin
clusters:
  devbox:
    name: ${c.name ?? 'dbx'}
    base_image_path: ${c.image}
${c.uri === undefined ? '' : `    libvirt_uri: ${c.uri}\n`}    network:
      subnet: ${subnet}.0/24
      bridge: ${c.bridge ?? 'virbr160'}
    count: ${c.count ?? 2}
    first_ip: ${subnet}.10
${c.sectionExtra ?? ''}    vm:
      cpu_cores: 1
      memory_gb: 1
      disk_gb: 10
${c.vmExtra ?? ''}`
}

/**
 * Lines of stderr that warn (npm's `npm warn`, oclif's `Warning:`), and any line printed twice.
 * The tests point npm at an empty user config so that this machine's ~/.npmrc adds none.
 */
export function warningLines(stderr: string): string[] {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '')
  const repeated = lines.filter((l, i) => lines.indexOf(l) !== i)
  return [...lines.filter((l) => /\bwarn(ing)?\b/i.test(l)), ...repeated]
}
