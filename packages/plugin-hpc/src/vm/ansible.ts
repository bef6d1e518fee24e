/**
 * Runs `ansible-playbook -i INVENTORY PLAYBOOK` with strict host key checking (the inventory points
 * ssh at the cluster's known_hosts), its output streamed line by line to a log file and to a
 * progress callback. Never a shell: an argument array through execa.
 */
import {once} from 'node:events'
import {createWriteStream} from 'node:fs'
import {mkdir} from 'node:fs/promises'
import path from 'node:path'
import {createInterface} from 'node:readline'
import {execa} from 'execa'
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
}

export interface PlaybookResult {
  ok: boolean
  exitCode: number
  logFile: string
  /** The PLAY RECAP lines. */
  recap: string[]
}

export async function runPlaybook(options: PlaybookOptions): Promise<PlaybookResult> {
  await mkdir(path.dirname(options.logFile), {recursive: true})
  const log = createWriteStream(options.logFile, {flags: 'a'})
  const args = ['-i', options.inventory, ...(options.extraVars === undefined ? [] : ['--extra-vars', JSON.stringify(options.extraVars)]), options.playbook]
  log.write(`# ansible-playbook ${args.join(' ')}\n# started ${new Date().toISOString()}\n`)
  const child = execa('ansible-playbook', args, {
    cwd: path.dirname(options.playbook),
    env: {ANSIBLE_HOST_KEY_CHECKING: 'True', ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_RETRY_FILES_ENABLED: '0', PYTHONUNBUFFERED: '1', ...options.env},
    all: true,
    buffer: false,
    reject: false,
    stdin: 'ignore',
    ...(options.signal === undefined ? {} : {cancelSignal: options.signal}),
  })
  const recap: string[] = []
  let inRecap = false
  const lines = createInterface({input: child.all})
  const closed = once(lines, 'close')
  lines.on('line', (line) => {
    log.write(`${line}\n`)
    if (line.startsWith('PLAY RECAP')) inRecap = true
    else if (inRecap && line.trim() !== '') recap.push(line.trim())
    options.onLine?.(line)
  })
  const result = await child
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
  return {ok: result.exitCode === 0, exitCode: result.exitCode ?? -1, logFile: options.logFile, recap}
}
