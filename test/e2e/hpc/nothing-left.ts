// What a crash-safety test checks at the end of each case: nothing of the cluster is left.
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {readFile, readdir} from 'node:fs/promises'

import {findLeftovers} from '../harness/index.js'
import type {E2eHost} from '../harness/index.js'
import {readState} from './cluster.js'
import type {E2eCluster} from './cluster.js'

/** Nothing of the cluster: libvirt objects, files, locks, the state entry and the cluster's known_hosts. */
export async function assertNothingLeft(host: E2eHost, c: E2eCluster): Promise<void> {
  assert.deepEqual(await findLeftovers(host, c.name), [])
  const output = existsSync(c.output) ? await readdir(c.output) : []
  assert.deepEqual(output.filter((n) => n.endsWith('.lock') || n.includes('.tmp')), [], 'no lock or temp file')
  if (existsSync(c.state)) assert.equal((await readState(c)).entry, undefined)
  if (existsSync(c.knownHosts)) assert.ok(!(await readFile(c.knownHosts, 'utf8')).includes(c.controllerIp), 'no known_hosts entry')
}
