/**
 * What the SSH wait tests drive: a real SSH server (ssh2) on 127.0.0.1 that accepts one key for user
 * debian and answers exec requests as the test says, and a virtual clock for waitForSsh.
 */
import net from 'node:net'
import type {AddressInfo} from 'node:net'
import ssh2 from 'ssh2'
import type {Connection, ParsedKey, Server} from 'ssh2'
import {parsableKeyPair} from '../keypair.js'
import type {SshKeyPair} from '../keypair.js'
import {hostPatterns, recordHostKey} from '../known-hosts.js'

export const USER = 'debian'

export interface TestServer {port: number; hostKey: ParsedKey; commands: string[]; close(): Promise<void>}

/** What the test server prints and returns for one command. */
export interface Answer {exit: number; stdout?: string; stderr?: string; /** The command was killed: exit-signal (e.g. 'TERM') instead of `exit`. */ signal?: string}

/**
 * A clock that moves only when waitForSsh pauses (or when a test says so): attempt counts, pauses and
 * elapsed times are exact, whatever the load of the machine. `onSleep` runs at each pause, with its number.
 */
export interface VirtualClock {
  now: () => number
  sleep: (ms: number, signal: AbortSignal | undefined) => Promise<void>
  /** Every pause asked for, in ms. */
  sleeps: number[]
  /** Moves the clock without a pause (an attempt that used up time). */
  advance: (ms: number) => void
}

export function virtualClock(onSleep?: (call: number) => void | Promise<void>): VirtualClock {
  let time = 0
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => time,
    advance: (ms) => { time += ms },
    sleep: async (ms, signal) => {
      sleeps.push(ms)
      time += ms
      await onSleep?.(sleeps.length)
      signal?.throwIfAborted()
    },
  }
}

/** The host key of the test servers, known before they start (ai-how writes node keys before boot). */
export const HOST_PRIVATE = parsableKeyPair().private

/** Records the test servers' host key for 127.0.0.1:port (and the alias) in `file`. */
export async function trust(file: string, port: number, alias = 'hpc-controller'): Promise<void> {
  const key = ssh2.utils.parseKey(HOST_PRIVATE) as ParsedKey
  await recordHostKey(file, hostPatterns('127.0.0.1', port, alias), key.type, key.getPublicSSH().toString('base64'))
}

/**
 * A real SSH server on 127.0.0.1 that accepts `authorized` for user debian and answers exec requests
 * (`answer` may take its time: a promise, e.g. a command run by a local shell).
 */
export async function startServer(port: number, authorized: SshKeyPair, answer: (command: string) => number | Answer | Promise<Answer> = () => 0, hostPrivate = HOST_PRIVATE): Promise<TestServer> {
  const hostKey = ssh2.utils.parseKey(hostPrivate) as ParsedKey
  const allowed = ssh2.utils.parseKey(authorized.publicKey) as ParsedKey
  const connections = new Set<Connection>()
  const commands: string[] = []
  const server: Server = new ssh2.Server({hostKeys: [hostPrivate]}, (client) => {
    connections.add(client)
    client.on('close', () => connections.delete(client))
    client.on('error', () => undefined)
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.username !== USER || !ctx.key.data.equals(allowed.getPublicSSH())) {
        ctx.reject(['publickey'])
        return
      }
      if (ctx.signature === undefined || ctx.blob === undefined) ctx.accept()
      else if (allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) ctx.accept()
      else ctx.reject()
    })
    client.on('ready', () => {
      client.on('session', (accept) => {
        accept().on('exec', (acceptExec, _reject, info) => {
          commands.push(info.command)
          const stream = acceptExec()
          const exit = /^exit (\d+)$/.exec(info.command)
          const reply = (given: number | Answer): void => {
            if (typeof given !== 'number') {
              if (given.stdout !== undefined) stream.write(given.stdout)
              if (given.stderr !== undefined) stream.stderr.write(given.stderr)
            } else if (exit === null) {
              stream.write(`ran: ${info.command}\n`)
              stream.stderr.write('note\n')
            }
            if (typeof given !== 'number' && given.signal !== undefined) stream.exit(given.signal, false, '')
            else stream.exit(typeof given === 'number' ? given : given.exit)
            stream.end()
          }
          const given = exit === null ? answer(info.command) : Number(exit[1])
          if (typeof given === 'number' || !('then' in given)) reply(given)
          else given.then(reply, () => { stream.exit(255); stream.end() })
        })
      })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => { resolve() })
  })
  return {
    port, hostKey, commands,
    close: () => new Promise<void>((resolve) => {
      for (const c of connections) c.end()
      server.close(() => { resolve() })
    }),
  }
}

export async function freePort(): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const {port} = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => { resolve() }))
  return port
}

