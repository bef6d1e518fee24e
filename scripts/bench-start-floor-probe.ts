/**
 * Run INSIDE the harness's namespace by scripts/bench-start-floor.ts: for each host at once, tries
 * SSH with the key every 250 ms until a session opens (time a: SSH accepts the key), then runs
 * `cloud-init status --wait` in it (time b: it returns; a dropped session is opened again). Prints
 * one JSON line: [{host, sshAt, doneAt, exitCode}] with Date.now() times. Exit 1 when a host missed
 * the deadline.
 *   node --import tsx bench-start-floor-probe.ts --hosts IP[,IP...] --user U --key FILE --timeout-ms N
 */
import {readFileSync} from 'node:fs'
import {setTimeout as sleep} from 'node:timers/promises'
import {parseArgs} from 'node:util'
import ssh2 from 'ssh2'

interface Probe {
  host: string
  sshAt: number | null
  doneAt: number | null
  exitCode: number | null
  lastError: string
}

/** Opens a session (calls onReady when SSH accepted the key) and runs COMMAND; its exit code, null if the session dropped. */
function session(host: string, username: string, privateKey: Buffer, command: string, onReady: () => void): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client()
    client.on('error', (error) => {
      client.end()
      reject(error)
    })
    client.on('ready', () => {
      onReady()
      client.exec(command, (error, stream) => {
        if (error) {
          client.end()
          reject(error)
          return
        }
        stream.on('data', () => undefined)
        stream.stderr.on('data', () => undefined)
        stream.on('close', (code: number | null) => {
          client.end()
          resolve(code)
        })
      })
    })
    client.connect({host, port: 22, username, privateKey, readyTimeout: 5000, hostVerifier: () => true})
  })
}

async function probe(host: string, user: string, key: Buffer, deadline: number): Promise<Probe> {
  const p: Probe = {host, sshAt: null, doneAt: null, exitCode: null, lastError: ''}
  while (Date.now() < deadline) {
    try {
      const code = await session(host, user, key, 'cloud-init status --wait', () => { p.sshAt ??= Date.now() })
      if (code !== null) {
        p.doneAt = Date.now()
        p.exitCode = code
        return p
      }
    } catch (error) {
      const e = error as {code?: string; level?: string; message?: string}
      p.lastError = e.code ?? e.level ?? e.message ?? String(error)
    }
    await sleep(250)
  }
  return p
}

const {values} = parseArgs({options: {hosts: {type: 'string'}, user: {type: 'string'}, key: {type: 'string'}, 'timeout-ms': {type: 'string', default: '600000'}}})
const {hosts, user, key} = values
if (hosts === undefined || user === undefined || key === undefined) {
  console.error('usage: bench-start-floor-probe.ts --hosts IP[,IP...] --user U --key FILE [--timeout-ms N]')
  process.exit(2)
}
const deadline = Date.now() + Number(values['timeout-ms'])
const privateKey = readFileSync(key)
const results = await Promise.all(hosts.split(',').map((h) => probe(h, user, privateKey, deadline)))
console.log(JSON.stringify(results))
process.exit(results.every((r) => r.doneAt !== null) ? 0 : 1)
