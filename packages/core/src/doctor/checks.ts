/** Core's own host checks for `ai-how doctor`: Node.js version and free space where ai-how writes. */
import {statfs} from 'node:fs/promises'
import path from 'node:path'
import type {HostCheckResult} from '../contracts/extensions.js'

const MIN_FREE_GIB = 10

function nodeCheck(version = process.versions.node): HostCheckResult {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  const ok = major > 20 || (major === 20 && minor >= 19)
  return ok
    ? {id: 'node', ok, message: `Node.js ${version}`, fix: []}
    : {id: 'node', ok, message: `Node.js ${version} is too old: ai-how needs 20.19 or newer`, fix: ['install Node.js 20 LTS (20.19+) from your distribution or nodejs.org']}
}

/** The nearest existing folder at or above `dir` (the output folder may not exist yet). */
async function existingAncestor(dir: string): Promise<string> {
  let current = dir
  for (;;) {
    try {
      await statfs(current)
      return current
    } catch {
      const parent = path.dirname(current)
      if (parent === current) return current
      current = parent
    }
  }
}

async function diskCheck(outputDir: string): Promise<HostCheckResult> {
  const where = await existingAncestor(outputDir)
  const fs = await statfs(where)
  const freeGib = (fs.bavail * fs.bsize) / 1024 ** 3
  const ok = freeGib >= MIN_FREE_GIB
  const message = `${freeGib.toFixed(1)} GiB free at ${where} (output folder ${outputDir})`
  return ok
    ? {id: 'disk', ok, message, fix: []}
    : {id: 'disk', ok, message: `only ${message}; VM disks and images need at least ${MIN_FREE_GIB} GiB`, fix: ['free space there, or point --state / AI_HOW_STATE at a folder on a larger disk']}
}

export async function coreHostChecks(statePath: string): Promise<HostCheckResult[]> {
  return [nodeCheck(), await diskCheck(path.dirname(statePath))]
}
