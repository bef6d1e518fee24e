/**
 * Forgets recorded host keys. A VM that this run creates has a fresh host key, so any key recorded
 * for its address or name belongs to an earlier VM and would make the strict check fail; destroy
 * removes the cluster's whole known_hosts file.
 */
import {readFile, rm, writeFile} from 'node:fs/promises'

function isMissing(error: unknown): boolean {
  return (error as {code?: unknown} | null)?.code === 'ENOENT'
}

/** Removes every line that names one of `patterns` (other hosts on a shared line are kept). Returns how many entries went. */
export async function forgetHostKeys(file: string, patterns: readonly string[]): Promise<number> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if (isMissing(error)) return 0
    throw error
  }
  let removed = 0
  const kept = text.split('\n').flatMap((line) => {
    const [hosts, ...rest] = line.trim().split(/\s+/)
    if (hosts === undefined || hosts === '' || hosts.startsWith('#') || hosts.startsWith('@') || rest.length < 2) return [line]
    const names = hosts.split(',')
    const left = names.filter((h) => !patterns.includes(h))
    if (left.length === names.length) return [line]
    removed += 1
    return left.length === 0 ? [] : [[left.join(','), ...rest].join(' ')]
  })
  if (removed > 0) await writeFile(file, kept.join('\n'))
  return removed
}

export async function removeKnownHostsFile(file: string): Promise<void> {
  await rm(file, {force: true})
}
