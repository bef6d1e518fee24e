/**
 * A control character in a config value (a line feed in a key path, a tab in a kernel command
 * line, U+0085 in a kernel path) is refused by `ai-how validate` at its file:line:column, and
 * `hpc start` and `inventory` stop at the same check: no inventory (with a forged line) is written.
 */
import assert from 'node:assert/strict'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {execa} from 'execa'

const root = path.resolve(import.meta.dirname, '../..')
const sandbox = mkdtempSync(path.join(os.tmpdir(), 'ai-how-control-cli-'))
after(() => {
  rmSync(sandbox, {recursive: true, force: true})
})

// Double-quoted YAML escapes: \n a line feed, \t a tab, \x85 U+0085 (next line).
const CONFIG = String.raw`version: "1.0"
metadata: {name: t, description: control characters}
clusters:
  hpc:
    name: hpc-t
    libvirt_uri: test:///default
    base_image_path: images/base.qcow2
    network: {subnet: 192.168.150.0/24, bridge: virbr150}
    ssh:
      private_key_path: "keys/id\n[all:vars]\nansible_ssh_common_args=-o ProxyCommand=id"
    controller:
      cpu_cores: 1
      memory_gb: 1
      disk_gb: 10
      ip_address: 192.168.150.10
      kernel: /boot/vmlinuz
      cmdline: "console=ttyS0\tquiet"
    compute_nodes:
      - cpu_cores: 1
        memory_gb: 1
        disk_gb: 10
        ip: 192.168.150.11
        kernel: "/boot/vmlinuz\x85"
    slurm_config: {partitions: [c], default_partition: c}
`

const POSITIONS = ['10:25 clusters.hpc.ssh.private_key_path', '17:16 clusters.hpc.controller.cmdline', '23:17 clusters.hpc.compute_nodes[0].kernel']
const CHARACTERS = ['U+000A (line feed) at character 8', 'U+0009 (tab) at character 14', 'U+0085 (next line) at character 14']
const FIX = 'Remove it; ai-how passes this value to Ansible inventories, libvirt XML and kernel command lines, where it would start a new line'

interface Run {
  exitCode?: number
  stdout: string
  stderr: string
}

interface Issue {
  line: number
  column: number
  path: string
  code: string
  message: string
  fix: string
}

function setup(): {config: string; state: string} {
  const dir = mkdtempSync(path.join(sandbox, 'cfg-'))
  const config = path.join(dir, 'cluster.yaml')
  writeFileSync(config, CONFIG)
  mkdirSync(path.join(dir, 'images'))
  writeFileSync(path.join(dir, 'images', 'base.qcow2'), Buffer.from([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]))
  return {config, state: path.join(dir, 'out', 'state.json')}
}

async function aiHow(args: string[]): Promise<Run> {
  return execa(process.execPath, ['packages/core/bin/run.js', ...args], {
    cwd: root,
    reject: false,
    env: {LIBVIRT_DEFAULT_URI: 'test:///default', AI_HOW_DATA_DIR: path.join(sandbox, 'data'), AI_HOW_CACHE_DIR: path.join(sandbox, 'cache'), AI_HOW_CONFIG_DIR: path.join(sandbox, 'config'), NO_COLOR: '1'},
  })
}

function show(r: Run): string {
  return `exit ${String(r.exitCode)}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`
}

/** `line:column path` of each value.control-character issue of the CONFIG_INVALID error (exit 2) that a --json run printed. */
function controlIssues(r: Run): string[] {
  assert.equal(r.exitCode, 2, show(r))
  const error = JSON.parse(r.stdout) as {code: string; details: Issue[]}
  assert.equal(error.code, 'CONFIG_INVALID', show(r))
  return error.details.filter((i) => i.code === 'value.control-character').map((i) => `${i.line}:${i.column} ${i.path}`)
}

void describe('control characters in config values (CLI)', () => {
  void it('validate reports each at its file:line:column, naming the character and its place, with the fix (exit 2)', async () => {
    const {config} = setup()
    const r = await aiHow(['validate', config, '--json'])
    assert.equal(r.exitCode, 2, show(r))
    const found = (JSON.parse(r.stdout) as {valid: boolean; errors: Issue[]}).errors.filter((e) => e.code === 'value.control-character')
    assert.deepEqual(
      found.map((e) => `${e.line}:${e.column} ${e.path}`),
      POSITIONS,
    )
    assert.deepEqual(
      found.map((e) => /U\+\w+ \([a-z ]+\) at character \d+$/.exec(e.message)?.[0] ?? e.message),
      CHARACTERS,
    )
    for (const e of found) assert.equal(e.fix, FIX)
    const text = await aiHow(['validate', config])
    assert.equal(text.exitCode, 2, show(text))
    assert.match(text.stderr, /cluster\.yaml:10:25 {2}error {2}clusters\.hpc\.ssh\.private_key_path {2}the value "keys\/id\\n\[all:vars\]\\nansible_ssh_common_args=-o ProxyCommand=id" contains U\+000A \(line feed\) at character 8/)
    assert.doesNotMatch(text.stderr, /^\[all:vars\]/m, 'the value is printed escaped, on one line')
  })

  void it('hpc start and inventory stop at validation: exit 2 and no inventory written', async () => {
    const {config, state} = setup()
    const start = await aiHow(['hpc', 'start', config, '--state', state, '--skip-deploy', '--json'])
    assert.deepEqual(controlIssues(start), POSITIONS)
    assert.equal(existsSync(path.dirname(state)), false, 'hpc start wrote nothing next to the state file')
    const output = path.join(path.dirname(state), 'inventory.ini')
    const inventory = await aiHow(['inventory', config, 'hpc', '--state', state, '-o', output, '--json'])
    assert.deepEqual(controlIssues(inventory), POSITIONS)
    assert.equal(existsSync(output), false, 'no inventory file')
    const printed = await aiHow(['inventory', config, 'hpc', '--state', state])
    assert.equal(printed.exitCode, 2, show(printed))
    assert.equal(printed.stdout, '', 'no inventory on stdout')
  })
})
