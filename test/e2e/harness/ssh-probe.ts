// Run INSIDE the namespace by sshRun() (ssh.ts): waits until HOST answers SSH as USER with KEY,
// then runs COMMAND once and prints a JSON SshProbeResult on stdout. Connection and
// authentication errors are retried with backoff until the deadline (cloud-init installs the key
// late in boot); a command that fails is reported, not retried. Exit 0 when a session ran, else 1.
//   node --import tsx ssh-probe.ts --host IP --user U --key FILE --timeout-ms N [--command C] [--known-hosts FILE]
import {readFileSync, writeFileSync} from 'node:fs'
import {setTimeout as sleep} from 'node:timers/promises'
import {parseArgs} from 'node:util'
import ssh2 from 'ssh2'

interface Session {
  hostKey: string
  exitCode: number
  stdout: string
  stderr: string
}

/** "ssh-ed25519 AAAA..." from the raw key blob (a length-prefixed type name comes first). */
function knownHostsKey(blob: Buffer): string {
  const typeLength = blob.readUInt32BE(0)
  return `${blob.subarray(4, 4 + typeLength).toString('ascii')} ${blob.toString('base64')}`
}

function session(host: string, username: string, privateKey: Buffer, command: string): Promise<Session> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client()
    let hostKey = ''
    client.on('error', (error) => {
      client.end()
      reject(error)
    })
    client.on('ready', () => {
      client.exec(command, (error, stream) => {
        if (error) {
          client.end()
          reject(error)
          return
        }
        let stdout = ''
        let stderr = ''
        stream.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
        stream.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
        stream.on('close', (code: number | null) => {
          client.end()
          resolve({hostKey, exitCode: code ?? -1, stdout, stderr})
        })
      })
    })
    client.connect({
      host,
      port: 22,
      username,
      privateKey,
      readyTimeout: 15_000,
      // First contact with a fresh guest: accept its key and record it (--known-hosts) for OpenSSH/Ansible.
      hostVerifier: (key: Buffer) => {
        hostKey = knownHostsKey(key)
        return true
      },
    })
  })
}

function recordHostKey(file: string, host: string, key: string): void {
  let lines: string[] = []
  try {
    lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith(`${host} `))
  } catch {
    // no file yet
  }
  writeFileSync(file, [...lines, `${host} ${key}`, ''].join('\n'), {mode: 0o644})
}

const {values} = parseArgs({
  options: {
    host: {type: 'string'},
    user: {type: 'string'},
    key: {type: 'string'},
    'timeout-ms': {type: 'string', default: '300000'},
    command: {type: 'string', default: 'true'},
    'known-hosts': {type: 'string'},
  },
})
const {host, user, key} = values
if (host === undefined || user === undefined || key === undefined) {
  console.error('usage: ssh-probe.ts --host IP --user U --key FILE [--timeout-ms N] [--command C] [--known-hosts FILE]')
  process.exit(2)
}
const privateKey = readFileSync(key)
const started = Date.now()
const deadline = started + Number(values['timeout-ms'])
let attempts = 0
let delay = 1000
let lastError = ''
while (Date.now() < deadline) {
  attempts += 1
  try {
    const result = await session(host, user, privateKey, values.command)
    if (values['known-hosts'] !== undefined) recordHostKey(values['known-hosts'], host, result.hostKey)
    console.log(JSON.stringify({...result, attempts, elapsedMs: Date.now() - started, lastError}))
    process.exit(0)
  } catch (error) {
    const e = error as {code?: string; level?: string; message?: string}
    lastError = e.code ?? e.level ?? e.message ?? String(error)
  }
  await sleep(Math.min(delay, Math.max(0, deadline - Date.now())))
  delay = Math.min(delay * 2, 5000)
}
console.log(JSON.stringify({attempts, elapsedMs: Date.now() - started, lastError}))
process.exit(1)
