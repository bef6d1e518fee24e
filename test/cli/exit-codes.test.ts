/**
 * The script contract of the real binary: every usage error (unknown flag, missing or extra argument,
 * bad flag value, unknown command) exits 2, in text mode as a short message with where to look next
 * (no stack, no help dump), under --json as the one ai-how error shape on stdout, a few hundred bytes.
 * Also: the nearest command is suggested with the arguments kept apart, `ai-how version` and
 * `ai-how autocomplete` are there.
 */
import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {execa} from 'execa'

const root = path.resolve(import.meta.dirname, '../..')
const sandbox = mkdtempSync(path.join(os.tmpdir(), 'ai-how-exit-codes-'))
after(() => {
  rmSync(sandbox, {recursive: true, force: true})
})
for (const sub of ['home', 'data', 'cache', 'config']) mkdirSync(path.join(sandbox, sub))

interface Run {
  exitCode: number | undefined
  stdout: string
  stderr: string
}

async function ai(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  const r = await execa(process.execPath, [path.join(root, 'packages/core/bin/run.js'), ...args], {
    cwd: root,
    reject: false,
    extendEnv: false,
    timeout: 60_000,
    stdin: 'ignore',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: path.join(sandbox, 'home'),
      XDG_CACHE_HOME: path.join(sandbox, 'cache'),
      XDG_CONFIG_HOME: path.join(sandbox, 'config'),
      XDG_DATA_HOME: path.join(sandbox, 'data'),
      LIBVIRT_DEFAULT_URI: 'test:///default',
      AI_HOW_DATA_DIR: path.join(sandbox, 'data'),
      AI_HOW_CACHE_DIR: path.join(sandbox, 'cache'),
      AI_HOW_CONFIG_DIR: path.join(sandbox, 'config'),
      NO_COLOR: '1',
      ...extraEnv,
    },
  })
  return {exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr}
}

const show = (r: Run): string => `exit ${String(r.exitCode)}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`

interface UsageCase {
  args: string[]
  code: string
  /** The `ai-how ... --help` the error points at. */
  help: string
}

const CFG = 'examples/hpc-tiny.yaml'
const USAGE_ERRORS: UsageCase[] = [
  {args: ['validate', CFG, '--bogus'], code: 'UNKNOWN_FLAG', help: 'ai-how validate --help'},
  {args: ['hpc', 'status', CFG, '--bogus'], code: 'UNKNOWN_FLAG', help: 'ai-how hpc status --help'},
  {args: ['validate'], code: 'MISSING_ARG', help: 'ai-how validate --help'},
  {args: ['validate', CFG, 'extra.yaml'], code: 'UNEXPECTED_ARG', help: 'ai-how validate --help'},
  {args: ['inventory', CFG, 'hpc', '--format', 'json'], code: 'INVALID_FLAG_VALUE', help: 'ai-how inventory --help'},
  {args: ['cloud', 'stop', 'examples/cloud-tiny.yaml', '--drain-timeout', 'abc'], code: 'INVALID_FLAG_VALUE', help: 'ai-how cloud stop --help'},
  // oclif's own commands (not AiHowCommand) go through the top-level handler.
  {args: ['version', '--bogus'], code: 'UNKNOWN_FLAG', help: 'ai-how version --help'},
  {args: ['plugins', '--bogus'], code: 'UNKNOWN_FLAG', help: 'ai-how plugins --help'},
  {args: ['hpc', 'strat', 'cfg.yaml'], code: 'UNKNOWN_COMMAND', help: 'ai-how hpc --help'},
  {args: ['nosuchcommand'], code: 'UNKNOWN_COMMAND', help: 'ai-how --help'},
  {args: ['--bogus'], code: 'UNKNOWN_FLAG', help: 'ai-how --help'},
]

function assertShortText(r: Run, help: string): void {
  assert.equal(r.exitCode, 2, show(r))
  assert.equal(r.stdout, '', show(r))
  assert.match(r.stderr, /^Error: \S/, show(r))
  assert.ok(r.stderr.split('\n').some((l) => /^ {2}→ See the \w+: /.test(l) && l.endsWith(`: ${help}`)), `no pointer to ${help}\n${show(r)}`)
  assert.doesNotMatch(r.stderr, /^\s+at /m, `a stack trace\n${show(r)}`)
  assert.doesNotMatch(r.stderr, /USAGE|FLAGS|See more help/, `oclif's help dump\n${show(r)}`)
  assert.ok(r.stderr.length < 400, `${String(r.stderr.length)} bytes on stderr\n${show(r)}`)
}

function errorJson(r: Run, code: string, exitCode: number, withDetails = false, maxBytes = 800): {message: string; actions: string[]} {
  assert.equal(r.exitCode, exitCode, show(r))
  assert.ok(r.stdout.length < maxBytes, `${String(r.stdout.length)} bytes on stdout\n${show(r)}`)
  const error = JSON.parse(r.stdout) as Record<string, unknown>
  assert.deepEqual(Object.keys(error), ['format_version', 'name', 'code', 'message', 'exit_code', 'actions', ...(withDetails ? ['details'] : [])], show(r))
  assert.equal(error.format_version, 1, show(r))
  assert.equal(error.code, code, show(r))
  assert.equal(error.exit_code, exitCode, show(r))
  assert.equal(typeof error.name, 'string')
  assert.equal(typeof error.message, 'string')
  assert.ok(Array.isArray(error.actions) && error.actions.every((a) => typeof a === 'string'), show(r))
  return error as {message: string; actions: string[]}
}

void describe('usage errors exit 2', () => {
  for (const c of USAGE_ERRORS) {
    void it(`ai-how ${c.args.join(' ')}: a short message on stderr, exit 2`, async () => {
      assertShortText(await ai(c.args), c.help)
    })
    void it(`ai-how ${c.args.join(' ')} --json: the ai-how error shape (${c.code}) on stdout, exit 2`, async () => {
      const r = await ai([...c.args, '--json'])
      const error = errorJson(r, c.code, 2)
      assert.ok(error.actions.some((a) => a.endsWith(c.help)), show(r))
      assert.equal(r.stderr, '', show(r))
    })
  }

  void it('AI_HOW_CONTENT_TYPE=json is --json too: a missing argument is the error shape, exit 2', async () => {
    const r = await execa(process.execPath, [path.join(root, 'packages/core/bin/run.js'), 'validate'], {cwd: root, reject: false, env: {AI_HOW_CONTENT_TYPE: 'json'}})
    errorJson({exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr}, 'MISSING_ARG', 2)
  })

  void it('a configuration error keeps its own code in the same shape, exit 2', async () => {
    const r = await ai(['plan', 'no-such-file.yaml', '--json'])
    const error = errorJson(r, 'CONFIG_NOT_FOUND', 2)
    assert.match(error.message, /no-such-file\.yaml/)
  })

  void it('an operation that fails (libvirt unreachable) exits 1 in the same shape, with its details', async () => {
    const r = await ai(['hpc', 'status', CFG, '--json'], {LIBVIRT_DEFAULT_URI: `qemu+unix:///system?socket=${path.join(sandbox, 'no-libvirt-sock')}`})
    errorJson(r, 'HYPERVISOR_UNREACHABLE', 1, true, 4000)
  })
})

void describe('unknown commands', () => {
  void it('suggests the nearest command with the arguments kept apart from the command words', async () => {
    const r = await ai(['hpc', 'strat', 'cfg.yaml', '--json'])
    const error = errorJson(r, 'UNKNOWN_COMMAND', 2)
    assert.equal(error.message, '"hpc strat" is not an ai-how command')
    assert.equal(error.actions[0], 'Did you mean: ai-how hpc start cfg.yaml --json')
    assert.doesNotMatch(r.stdout, /strat:cfg|hpc:/)
  })

  void it('a typo of a top-level command is suggested too; text mode says the same on stderr', async () => {
    const r = await ai(['valdate', CFG])
    assert.equal(r.exitCode, 2, show(r))
    assert.match(r.stderr, /^Error: "valdate" is not an ai-how command\n {2}→ Did you mean: ai-how validate examples\/hpc-tiny\.yaml\n/, show(r))
  })

  void it('suggests nothing when no command is close', async () => {
    const r = await ai(['nosuchcommand', '--json'])
    const error = errorJson(r, 'UNKNOWN_COMMAND', 2)
    assert.ok(!error.actions.some((a) => a.startsWith('Did you mean')), show(r))
  })
})

/** Runs ai-how on a pseudo-terminal (util-linux `script`) and answers `answer` once it asks. */
async function onTerminal(args: string[], answer: string): Promise<Run> {
  const command = ['node', path.join(root, 'packages/core/bin/run.js'), ...args].map((w) => `'${w}'`).join(' ')
  const child = execa('script', ['-qec', command, '/dev/null'], {
    cwd: root,
    reject: false,
    timeout: 60_000,
    env: {LIBVIRT_DEFAULT_URI: 'test:///default', AI_HOW_STATE: path.join(sandbox, 'tty-state.json'), HOME: path.join(sandbox, 'home')},
  })
  let seen = ''
  child.stdout.on('data', (chunk: Buffer) => {
    const before = seen
    seen += chunk.toString()
    if (!before.includes('(Y/n)') && seen.includes('(Y/n)')) child.stdin.write(`${answer}\r`)
  })
  const r = await child
  return {exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr}
}

void describe('unknown commands on a terminal (plugin-not-found asks)', () => {
  void it('asks about our nearest command; "no" is the usage error, exit 2', async () => {
    const r = await onTerminal(['hpc', 'stauts', CFG], 'n')
    assert.equal(r.exitCode, 2, show(r))
    assert.match(r.stdout, /Did you mean .*hpc status.*\?/, show(r))
    assert.match(r.stdout, /Error: "hpc stauts" is not an ai-how command/, show(r))
  })

  void it('"yes" runs the suggestion with the typed arguments', async () => {
    const r = await onTerminal(['hpc', 'stauts', CFG], 'y')
    assert.equal(r.exitCode, 0, show(r))
    assert.match(r.stdout, /hpc-tiny-controller/, show(r))
    assert.doesNotMatch(r.stdout, /is not an ai-how command/, show(r))
  })
})

void describe('version and completion', () => {
  void it('ai-how version prints the CLI version, and --json a document', async () => {
    const text = await ai(['version'])
    assert.equal(text.exitCode, 0, show(text))
    assert.match(text.stdout, /^@ai-how\/core\/\d+\.\d+\.\d+ \S+ node-v\d+/, show(text))
    const json = await ai(['version', '--json'])
    assert.equal(json.exitCode, 0, show(json))
    assert.match((JSON.parse(json.stdout) as {cliVersion: string}).cliVersion, /^@ai-how\/core\/\d+\.\d+\.\d+$/)
  })

  void it('ai-how autocomplete --help documents shell completion (nothing is installed)', async () => {
    const r = await ai(['autocomplete', '--help'])
    assert.equal(r.exitCode, 0, show(r))
    assert.match(r.stdout, /\$ ai-how autocomplete \[SHELL\]/, show(r))
    assert.match(r.stdout, /bash/)
  })
})
