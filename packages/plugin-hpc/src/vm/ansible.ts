/**
 * Runs `ansible-playbook -i INVENTORY PLAYBOOK` with strict host key checking (the inventory points
 * ssh at the cluster's known_hosts) and an inventory that does not parse made fatal, its output
 * streamed line by line to a log file (0600 in a 0700 folder) and to a progress callback. Extra vars
 * (which may hold passwords) go through a 0600 file (`--extra-vars @file`), never into the log.
 * Never a shell: an argument array through execa.
 */
import {once} from 'node:events'
import {createWriteStream} from 'node:fs'
import {chmod, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {createInterface} from 'node:readline'
import {HostError} from '@ai-how/core'

export interface PlaybookOptions {
  playbook: string
  inventory: string
  logFile: string
  extraVars?: Record<string, unknown>
  signal?: AbortSignal
  /** Every output line (task names, host results) as it comes. */
  onLine?: (line: string) => void
  env?: Record<string, string>
  /** Working folder (default: the playbook's), e.g. a Kubespray checkout so that its ansible.cfg applies. */
  cwd?: string
}

export interface PlaybookResult {
  ok: boolean
  exitCode: number
  logFile: string
  /** The PLAY RECAP lines. */
  recap: string[]
  /** `task "NAME" failed on HOST: message` for each failed or unreachable host result. */
  failures: string[]
}

const FAILED = /^(fatal|failed): \[([^\]]+)\]:?\s*(UNREACHABLE!|FAILED!)?\s*(?:=>\s*)?(.*)$/

function failureLine(task: string, line: string): string | undefined {
  const m = FAILED.exec(line)
  if (!m) return undefined
  const detail = /"msg":\s*"((?:[^"\\]|\\.)*)"/.exec(m[4] ?? '')?.[1] ?? m[3] ?? ''
  return `task "${task}" failed on ${m[2] ?? '?'}${detail === '' ? '' : `: ${detail.slice(0, 300)}`}`
}

/** Extra vars in a private file for `--extra-vars @file`; the returned function removes it. */
async function extraVarsFile(vars: Record<string, unknown>): Promise<{file: string; remove: () => Promise<void>}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-vars-'))
  const file = path.join(dir, 'extra-vars.json')
  await writeFile(file, JSON.stringify(vars), {mode: 0o600})
  return {file, remove: () => rm(dir, {recursive: true, force: true})}
}

export async function runPlaybook(options: PlaybookOptions): Promise<PlaybookResult> {
  await mkdir(path.dirname(options.logFile), {recursive: true, mode: 0o700})
  await chmod(path.dirname(options.logFile), 0o700)
  const log = createWriteStream(options.logFile, {flags: 'a', mode: 0o600})
  const vars = options.extraVars === undefined ? undefined : await extraVarsFile(options.extraVars)
  const args = ['-i', options.inventory, ...(vars === undefined ? [] : ['--extra-vars', `@${vars.file}`]), options.playbook]
  log.write(`# ansible-playbook ${args.join(' ')}${vars === undefined ? '' : ' (extra vars: not logged)'}\n# started ${new Date().toISOString()}\n`)
  const {execa} = await import('execa')
  const child = execa('ansible-playbook', args, {
    cwd: options.cwd ?? path.dirname(options.playbook),
    env: {
      ANSIBLE_HOST_KEY_CHECKING: 'True',
      ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True',
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_FORCE_COLOR: '0',
      ANSIBLE_RETRY_FILES_ENABLED: '0',
      PYTHONUNBUFFERED: '1',
      ...options.env,
    },
    all: true,
    buffer: false,
    reject: false,
    stdin: 'ignore',
    ...(options.signal === undefined ? {} : {cancelSignal: options.signal}),
  })
  const recap: string[] = []
  const failures: string[] = []
  let task = ''
  let inRecap = false
  const lines = createInterface({input: child.all})
  const closed = once(lines, 'close')
  lines.on('line', (line) => {
    log.write(`${line}\n`)
    const taskName = /^TASK \[(.*)\]/.exec(line)?.[1]
    if (taskName !== undefined) task = taskName
    const failure = failureLine(task, line)
    if (failure !== undefined) failures.push(failure)
    if (line.startsWith('PLAY RECAP')) inRecap = true
    else if (inRecap && line.trim() !== '') recap.push(line.trim())
    options.onLine?.(line)
  })
  const result = await child.finally(() => vars?.remove())
  await closed.catch(() => undefined)
  log.write(`# exit ${result.exitCode ?? 'none'} at ${new Date().toISOString()}\n`)
  log.end()
  await once(log, 'finish')
  if ((result as {code?: unknown}).code === 'ENOENT') {
    throw new HostError('ansible-playbook was not found', {
      code: 'ANSIBLE_MISSING',
      actions: ['Install Ansible (sudo apt-get install ansible-core, or pipx install ansible-core), or start with --skip-deploy.'],
    })
  }
  options.signal?.throwIfAborted()
  return {ok: result.exitCode === 0, exitCode: result.exitCode ?? -1, logFile: options.logFile, recap, failures}
}
