/**
 * `ai-how inventory` through the real binary against libvirt's test driver (no VM exists, so every
 * auto-started node with its configured IP): the INI and YAML it prints are the golden inventories
 * of the unit tests (test/golden/inventory/, with the sandbox's key paths put back), -o writes the
 * same bytes to a file (folders created) and prints nothing on stdout, and nothing else is written.
 */
import assert from 'node:assert/strict'
import {copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {execa} from 'execa'

const root = path.resolve(import.meta.dirname, '../..')
const golden = (name: string): string => readFileSync(path.join(root, 'test/golden/inventory', name), 'utf8')
const box = mkdtempSync(path.join(os.tmpdir(), 'ai-how-inventory-cli-'))
for (const example of ['hpc-small.yaml', 'cloud-small.yaml']) copyFileSync(path.join(root, 'examples', example), path.join(box, example))
after(() => {
  rmSync(box, {recursive: true, force: true})
})

interface Run {
  exitCode?: number
  stdout: string
  stderr: string
}

/** ai-how in the sandbox (the configs' output folder is box/output), against the test driver. */
async function aiHow(args: string[]): Promise<Run> {
  return execa(process.execPath, [path.join(root, 'packages/core/bin/run.js'), ...args], {
    cwd: box,
    reject: false,
    stripFinalNewline: false,
    env: {LIBVIRT_DEFAULT_URI: 'test:///default', AI_HOW_IMAGE_DIR: '/nonexistent', AI_HOW_DATA_DIR: path.join(box, 'data'), NO_COLOR: '1'},
  })
}

/** The sandbox's key paths written as the unit tests' goldens write them. */
function asGoldenHpc(text: string): string {
  const keys = path.join(box, 'output/keys/hpc-cluster')
  return text.replaceAll(`${keys}/id_ed25519`, '/keys/id_ed25519').replaceAll(`${keys}/known_hosts`, '/out/known_hosts')
}

const show = (r: Run): string => `exit ${String(r.exitCode)}\n${r.stdout}\n${r.stderr}`

void describe('ai-how inventory', () => {
  void it('prints the hpc INI inventory (the default format) verbatim on stdout, nothing on stderr', async () => {
    const r = await aiHow(['inventory', 'hpc-small.yaml', 'hpc'])
    assert.equal(r.exitCode, 0, show(r))
    assert.equal(asGoldenHpc(r.stdout), golden('hpc-small.ini'))
    assert.equal(r.stderr, '')
  })

  void it('--format yaml prints the YAML inventory', async () => {
    const r = await aiHow(['inventory', 'hpc-small.yaml', 'hpc', '--format', 'yaml'])
    assert.equal(r.exitCode, 0, show(r))
    assert.equal(asGoldenHpc(r.stdout), golden('hpc-small.yml'))
  })

  void it('-o FILE writes the same bytes to FILE, creating its folders, and says so on stderr only', async () => {
    const printed = (await aiHow(['inventory', 'hpc-small.yaml', 'hpc', '--format', 'yaml'])).stdout
    const r = await aiHow(['inventory', 'hpc-small.yaml', 'hpc', '--format', 'yaml', '-o', 'new/dir/hpc.yml'])
    assert.equal(r.exitCode, 0, show(r))
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, '✓ hpc inventory written to new/dir/hpc.yml\n')
    assert.equal(readFileSync(path.join(box, 'new/dir/hpc.yml'), 'utf8'), printed)
    const ini = await aiHow(['inventory', 'hpc-small.yaml', 'hpc', '--output', 'new/hpc.ini', '--json'])
    assert.equal(ini.exitCode, 0, show(ini))
    assert.deepEqual(JSON.parse(ini.stdout), {format_version: 1, kind: 'hpc', format: 'ini', output: path.join(box, 'new/hpc.ini')})
    assert.equal(asGoldenHpc(readFileSync(path.join(box, 'new/hpc.ini'), 'utf8')), golden('hpc-small.ini'))
  })

  void it('--json gives kind, format and the inventory text', async () => {
    const r = await aiHow(['inventory', 'hpc-small.yaml', 'hpc', '--format', 'yaml', '--json'])
    assert.equal(r.exitCode, 0, show(r))
    const out = JSON.parse(r.stdout) as {format_version: number; kind: string; format: string; inventory: string}
    assert.deepEqual({...out, inventory: asGoldenHpc(out.inventory)}, {format_version: 1, kind: 'hpc', format: 'yaml', inventory: golden('hpc-small.yml')})
  })

  void it('prints the cloud inventory, warning on stderr about the node left out (auto_start: false)', async () => {
    const r = await aiHow(['inventory', 'cloud-small.yaml', 'cloud'])
    assert.equal(r.exitCode, 0, show(r))
    assert.equal(r.stdout.replaceAll(path.join(box, 'output'), '/out'), golden('cloud-small.ini'))
    assert.equal(r.stderr, 'Warning: gpu-worker-01 (cloud-cluster-gpu-worker-01) is not started (auto_start: false): left out of the inventory\n')
  })

  void it('refuses a kind the file does not describe, an unknown kind and an unknown format', async () => {
    const absent = await aiHow(['inventory', 'cloud-small.yaml', 'hpc'])
    assert.equal(absent.exitCode, 2, show(absent))
    assert.match(absent.stderr, /cloud-small\.yaml has no clusters\.hpc section/)
    const unknown = await aiHow(['inventory', 'cloud-small.yaml', 'nosuch'])
    assert.equal(unknown.exitCode, 2, show(unknown))
    assert.match(unknown.stderr, /no installed plugin provides the cluster kind "nosuch"/)
    const format = await aiHow(['inventory', 'hpc-small.yaml', 'hpc', '--format', 'json'])
    assert.equal(format.exitCode, 2, show(format))
    assert.match(format.stderr, /Expected --format=json to be one of: ini, yaml\n {2}→ See the usage: ai-how inventory --help/)
    assert.equal(format.stdout, '')
  })

  void it('wrote nothing but the -o files: no state, keys or output folder', () => {
    assert.deepEqual(readdirSync(box).sort(), ['cloud-small.yaml', 'hpc-small.yaml', 'new'])
    assert.deepEqual(readdirSync(path.join(box, 'new'), {recursive: true}).sort(), ['dir', 'dir/hpc.yml', 'hpc.ini'])
  })
})
