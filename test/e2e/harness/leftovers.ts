import assert from 'node:assert/strict'
import {rm} from 'node:fs/promises'

import type {AiHowDirs} from './ai-how.js'
import {releaseHost} from './host.js'
import type {E2eHost} from './host.js'
import {inNetns} from './netns.js'
import {virshNames} from './virsh.js'

/** Folders (as libvirtd sees them) searched for files whose name contains the cluster name. */
const libvirtDirs = ['/etc/libvirt', '/var/lib/libvirt', '/var/cache/libvirt']

/**
 * Everything of NAME that is still there: domains, networks, pools, volumes (in active pools),
 * network links in the namespace, and files whose name contains NAME under libvirt's folders and
 * EXTRADIRS. Empty when all is gone. Not searched, because libvirt itself leaves files there that
 * no client can remove: /var/log/libvirt (a domain's qemu log outlives undefine) and /run/libvirt
 * (libvirt 9.0 keeps network/<net>.pid and network/<net>/ports after net-destroy + net-undefine).
 */
export async function findLeftovers(host: E2eHost, name: string, extraDirs: readonly string[] = []): Promise<string[]> {
  const found: string[] = []
  const matching = (names: string[]): string[] => names.filter((n) => n.includes(name))
  for (const d of matching(await virshNames(host, ['list', '--all', '--name']))) found.push(`domain ${d}`)
  for (const n of matching(await virshNames(host, ['net-list', '--all', '--name']))) found.push(`network ${n}`)
  const pools = await virshNames(host, ['pool-list', '--all', '--name'])
  for (const p of matching(pools)) found.push(`pool ${p}`)
  for (const pool of await virshNames(host, ['pool-list', '--name'])) {
    const vols = await virshNames(host, ['vol-list', '--pool', pool])
    // vol-list prints a header ("Name Path", dashes) then "<name> <path>" rows.
    for (const row of vols.slice(2)) if (row.includes(name)) found.push(`volume in pool ${pool}: ${row}`)
  }
  const links = await inNetns(host, 'ip', ['-o', 'link', 'show'])
  for (const line of links.stdout.split('\n')) if (line.includes(name)) found.push(`link ${line.split(':')[1]?.trim() ?? line}`)
  const files = await inNetns(host, 'find', [...libvirtDirs, ...extraDirs, '-name', `*${name}*`], {reject: false})
  for (const file of files.stdout.split('\n')) if (file !== '') found.push(`file ${file}`)
  return found
}

/** A cluster a test file made: its name (what findLeftovers looks for) and how to destroy it. */
export interface ClusterToTearDown {
  name: string
  destroy: () => Promise<unknown>
}

export interface TearDown {
  /** Undefined when `before` failed before reaching the host: nothing was created there. */
  host: E2eHost | undefined
  /** ai-how's folders; undefined when `before` failed before making them (then no cluster can exist). */
  dirs: AiHowDirs | undefined
  /** The test's own folder (configs, state, output), removed at the end. */
  work?: string | undefined
  /** The clusters; called only once `before` made the host and the folders (what it plans comes after). */
  clusters: () => readonly ClusterToTearDown[]
}

/**
 * The `after` hook of an e2e file: destroys each cluster of which something is left (a test may
 * have destroyed it already), collects what is still there, releases the host, removes the work
 * and ai-how folders whatever happened, then fails naming every leftover.
 */
export async function tearDown(t: TearDown): Promise<void> {
  const left: string[] = []
  try {
    if (t.host !== undefined && t.dirs !== undefined) {
      for (const c of t.clusters()) {
        if ((await findLeftovers(t.host, c.name)).length > 0) await c.destroy()
        left.push(...await findLeftovers(t.host, c.name))
      }
    }
  } finally {
    if (t.host !== undefined) await releaseHost()
    if (t.work !== undefined && t.work !== '') await rm(t.work, {recursive: true, force: true})
    if (t.dirs !== undefined) await rm(t.dirs.root, {recursive: true, force: true})
  }
  assert.deepEqual(left, [], 'destroy leaves nothing of the clusters')
}
