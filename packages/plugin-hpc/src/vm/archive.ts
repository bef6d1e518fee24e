/**
 * After a destroy, the cluster's last state entry and its logs and generated files are kept in
 * `<output>/logs/<kind>-cluster-destroyed-<timestamp>/`: the state entry as state-entry.json, the
 * cluster's logs (`<output>/logs/<cluster>-*.log` and `<output>/logs/<cluster>/`) and its output
 * folder (inventory, kubeconfig, ...).
 */
import {mkdir, readdir, rename, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'
import type {ClusterStateEntry} from '@ai-how/core'
import {clusterOutputDir, fileStamp, logsDir} from './paths.js'

async function freshDir(base: string): Promise<string> {
  for (let i = 0; ; i++) {
    const dir = i === 0 ? base : `${base}-${i}`
    try {
      await mkdir(dir, {recursive: false})
      return dir
    } catch (error) {
      if ((error as {code?: unknown}).code !== 'EEXIST') throw error
    }
  }
}

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir)
  } catch (error) {
    if ((error as {code?: unknown}).code === 'ENOENT') return []
    throw error
  }
}

export async function archiveDestroyed(outputDir: string, kind: string, cluster: string, entry: ClusterStateEntry | undefined, now: Date): Promise<string> {
  const logs = logsDir(outputDir)
  await mkdir(logs, {recursive: true})
  const archive = await freshDir(path.join(logs, `${kind}-cluster-destroyed-${fileStamp(now)}`))
  await writeFile(path.join(archive, 'state-entry.json'), `${JSON.stringify({cluster, kind, destroyed_at: now.toISOString(), entry: entry ?? null}, null, 2)}\n`)
  for (const name of await entries(logs)) {
    if (name.startsWith(`${cluster}-`) && name.endsWith('.log')) await rename(path.join(logs, name), path.join(archive, name))
  }
  // A kind that keeps its logs in a folder of the cluster's name (logs/<cluster>/): they go along.
  const ownLogs = path.join(logs, cluster)
  if ((await entries(ownLogs)).length > 0) await rename(ownLogs, path.join(archive, 'logs'))
  await rm(ownLogs, {recursive: true, force: true})
  const own = clusterOutputDir(outputDir, cluster)
  const files = await entries(own)
  if (files.length > 0) {
    await mkdir(path.join(archive, 'files'))
    for (const name of files) await rename(path.join(own, name), path.join(archive, 'files', name))
  }
  await rm(own, {recursive: true, force: true})
  return archive
}
