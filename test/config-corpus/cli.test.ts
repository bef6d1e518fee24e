/**
 * Part of the config corpus through the real binary (`node packages/core/bin/run.js validate`,
 * built dist): exit 2 with each error at file:line:column with its fix, the same in --json; a
 * valid edge case exits 0; the size limit, an alias bomb, invalid UTF-8 and an unset variable are
 * configuration errors (exit 2), not internal ones. `--check-host` checks kernel and initrd.
 */
import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {cliSandbox, show} from '../../packages/core/src/test-support/cli.js'
import type {CliResult} from '../../packages/core/src/test-support/cli.js'
import {corpusDir, expectedOf, repoRoot} from './corpus.js'

const cli = cliSandbox('ai-how-corpus-cli-')
const sandbox = cli.dir
after(() => {
  cli.dispose()
})

/** `ai-how validate ARGS`, with only PATH and HOME from the caller: no variable of the corpus may be set by accident. */
function validate(args: string[]): Promise<CliResult> {
  return cli.run(['validate', ...args], {onlyPathAndHome: true})
}

const CASES = [
  'subnet-slash8',
  'dhcp-reversed',
  'bridge-dot-dot-inside',
  'memory-1e30',
  'hpc-and-cloud-same-name',
  'cmdline-non-character',
  'unset-variable-name',
  'alias-bomb',
  'not-utf8-latin1',
  'cloud-subnet-slash8',
]

void describe('ai-how validate on the config corpus (CLI)', () => {
  for (const name of CASES) {
    void it(`${name}: exit 2, the error at file:line:column with its fix, in text and in --json`, async () => {
      const file = path.relative(repoRoot, path.join(corpusDir, 'invalid', `${name}.yaml`))
      const expected = expectedOf(path.join(repoRoot, file))
      const [position = '', where = '', code = ''] = expected.where.split(' ')
      const text = await validate([file])
      assert.equal(text.code, 2, show(text))
      assert.ok(text.stderr.includes(`${file}:${position}  error  ${where}  ${expected.message}\n    fix: ${expected.fix}\n`), show(text))
      assert.doesNotMatch(text.stderr, /Update or reinstall|failed in describe/)
      const json = await validate([file, '--json'])
      assert.equal(json.code, 2, show(json))
      const result = JSON.parse(json.stdout) as {valid: boolean; errors: {line: number; column: number; path: string; code: string; message: string; fix: string}[]}
      assert.equal(result.valid, false)
      assert.deepEqual(
        result.errors.map((e) => [`${e.line}:${e.column}`, e.path, e.code, e.message, e.fix]),
        [[position, where, code, expected.message, expected.fix]],
      )
    })
  }

  void it('a valid edge case (a /16 subnet) exits 0', async () => {
    const r = await validate([path.relative(repoRoot, path.join(corpusDir, 'valid', 'subnet-slash16.yaml'))])
    assert.equal(r.code, 0, show(r))
  })

  void it('a file over 1 MiB: exit 2 with its size and the limit', async () => {
    const file = path.join(sandbox, 'big.yaml')
    writeFileSync(file, `${readFileSync(path.join(corpusDir, 'valid', 'resources-min.yaml'), 'utf8')}# ${'x'.repeat(1024 * 1024)}\n`)
    const r = await validate([file])
    assert.equal(r.code, 2, show(r))
    assert.match(r.stderr, /big\.yaml:1:1 {2}error {2}\(file\) {2}the file is 1049\d{3} bytes; ai-how reads config files of at most 1 MiB \(1048576 bytes\)/)
  })
})

const KERNEL_CONFIG = `version: "1.0"
metadata: {name: t, description: kernel host check}
clusters:
  hpc:
    name: hpc-k
    libvirt_uri: test:///default
    hardware: {acceleration: {enable_kvm: false}}
    base_image_path: images/base.qcow2
    network: {subnet: 192.168.150.0/24, bridge: virbr150}
    controller: {cpu_cores: 1, memory_gb: 1, disk_gb: 10, ip_address: 192.168.150.10, kernel: boot/vmlinuz, initrd: boot/initrd.img}
    compute_nodes:
      - {cpu_cores: 1, memory_gb: 1, disk_gb: 10, ip: 192.168.150.11, kernel: boot/vmlinuz, initrd: boot}
    slurm_config: {partitions: [c], default_partition: c}
`

void describe('ai-how validate --check-host: kernel and initrd (CLI)', () => {
  void it('a missing kernel and an initrd that is a folder fail (exit 1) with the node and the fix; present files pass', async () => {
    const dir = mkdtempSync(path.join(sandbox, 'kernel-'))
    const config = path.join(dir, 'c.yaml')
    writeFileSync(config, KERNEL_CONFIG)
    mkdirSync(path.join(dir, 'images'))
    writeFileSync(path.join(dir, 'images', 'base.qcow2'), Buffer.from([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]))
    mkdirSync(path.join(dir, 'boot'))
    writeFileSync(path.join(dir, 'boot', 'initrd.img'), 'initrd')
    const kernel = path.join(dir, 'boot', 'vmlinuz')
    const bad = await validate([config, '--check-host', '--sysfs-root', sandbox])
    assert.equal(bad.code, 1, show(bad))
    assert.match(bad.stdout, new RegExp(`^✗ kernel ${kernel} does not exist \\(kernel of hpc/controller, hpc/compute-01\\)$`, 'm'))
    assert.match(bad.stdout, new RegExp(`^✗ initrd ${path.join(dir, 'boot')} is a folder, not a file \\(initrd of hpc/compute-01\\)$`, 'm'))
    assert.match(bad.stdout, new RegExp(`^✓ initrd ${path.join(dir, 'boot', 'initrd.img')} is a readable file \\(initrd of hpc/controller\\)$`, 'm'))
    assert.ok(bad.stderr.includes(`→ put the kernel image at ${kernel}, or point kernel at one (a relative path is relative to the config file)`), show(bad))
    writeFileSync(kernel, 'kernel')
    const good = await validate([config, '--check-host', '--sysfs-root', sandbox])
    assert.match(good.stdout, new RegExp(`^✓ kernel ${kernel} is a readable file \\(kernel of hpc/controller, hpc/compute-01\\)$`, 'm'))
    assert.doesNotMatch(good.stdout, /^✗ kernel/m)
  })
})
