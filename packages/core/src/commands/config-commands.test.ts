/**
 * `ai-how validate | render | schema` through the real binary (node packages/core/bin/run.js, built
 * dist) with the installed hpc and cloud kinds, and isolated oclif data/cache/config folders.
 */
import assert from 'node:assert/strict'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, describe, it} from 'node:test'

import {cliSandbox, repoRoot as root, show} from '../test-support/cli.js'
import type {CliResult} from '../test-support/cli.js'

const cliRun = cliSandbox('ai-how-config-cli-')
const sandbox = cliRun.dir
const eightMistakes = path.join(import.meta.dirname, 'fixtures', 'eight-mistakes.yaml')
after(() => {
  cliRun.dispose()
})

/** Runs the binary; an `undefined` in `env` removes that variable. */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return cliRun.run(args, {env})
}

function writeTemp(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(sandbox, 'cfg-')), name)
  mkdirSync(path.dirname(file), {recursive: true})
  writeFileSync(file, text)
  return file
}

const HPC_NO_GPU = `version: "1.0"
metadata: {name: t, description: host check test}
clusters:
  hpc:
    name: hpc-t
    libvirt_uri: test:///default
    hardware: {acceleration: {enable_kvm: false}}
    base_image_path: images/base.qcow2
    network: {subnet: 192.168.150.0/24, bridge: virbr150}
    controller: {cpu_cores: 1, memory_gb: 1, disk_gb: 10, ip_address: 192.168.150.10}
    compute_nodes:
      - {cpu_cores: 1, memory_gb: 1, disk_gb: 10, ip: 192.168.150.11}
    slurm_config: {partitions: [c], default_partition: c}
`

void describe('ai-how validate (CLI)', () => {
  assert.ok(existsSync(path.join(root, 'packages/plugin-hpc/dist/index.js')), 'build first: npx tsc -b packages/core packages/plugin-hpc packages/plugin-cloud packages/plugin-gpu-passthrough')

  for (const example of readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.yaml'))) {
    void it(`accepts examples/${example}`, async () => {
      const r = await cli(['validate', `examples/${example}`])
      assert.equal(r.code, 0, show(r))
      assert.match(r.stdout, new RegExp(`^✓ examples/${example.replace('.', '\\.')} is valid: kinds `), show(r))
    })
  }

  void it('reports the eight mistakes of one config in one run (exit 2), as text and as JSON', async () => {
    const text = await cli(['validate', eightMistakes], {AI_HOW_TEST_UNSET_DIR: undefined})
    assert.equal(text.code, 2, show(text))
    const lines = text.stderr.split('\n').filter((l) => /eight-mistakes\.yaml:\d+:\d+ {2}error /.test(l))
    assert.equal(lines.length, 8, show(text))
    assert.match(text.stderr, /\n8 errors\n/)
    const json = await cli(['validate', eightMistakes, '--json'], {AI_HOW_TEST_UNSET_DIR: undefined})
    assert.equal(json.code, 2, show(json))
    const result = JSON.parse(json.stdout) as {valid: boolean; errors: {line: number; column: number; path: string; code: string}[]}
    assert.equal(result.valid, false)
    assert.deepEqual(result.errors.map((e) => `${e.line}:${e.column} ${e.path} ${e.code}`), [
      '1:10 version schema.type',
      '3:3 metadata.description schema.required',
      '5:16 global.libvirt_uri schema.type',
      '7:3 clusters.slurm clusters.unknown-kind',
      '11:22 clusters.hpc.base_image_path var.unset',
      '17:23 clusters.hpc.hardware.acceleration.cpu_topology cpu.topology',
      '27:13 clusters.hpc.compute_nodes[0].ip ip.outside-subnet',
      '36:15 clusters.cloud.network.bridge network.duplicate-bridge',
    ])
  })

  void it('--check-host passes with a qcow2 base image and fails (exit 1, with the fix) without one', async () => {
    const config = writeTemp('c.yaml', HPC_NO_GPU)
    const image = path.join(path.dirname(config), 'images', 'base.qcow2')
    mkdirSync(path.dirname(image))
    writeFileSync(image, Buffer.from([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]))
    const ok = await cli(['validate', config, '--check-host', '--sysfs-root', sandbox])
    assert.equal(ok.code, 0, show(ok))
    assert.match(ok.stdout, /✓ base image .*base\.qcow2 is qcow2/)
    writeFileSync(image, 'not an image')
    const bad = await cli(['validate', config, '--check-host', '--sysfs-root', sandbox])
    assert.equal(bad.code, 1, show(bad))
    assert.match(bad.stdout, /✗ base image .*base\.qcow2 is not a qcow2 image/)
    assert.match(bad.stderr, /→ convert it: qemu-img convert -O qcow2 /)
  })

  void it('--check-host: a GPU absent from the host is a warning when only an auto_start: false node asks for it, an error otherwise', async () => {
    const text = HPC_NO_GPU.replace('      - {cpu_cores: 1, memory_gb: 1, disk_gb: 10, ip: 192.168.150.11}', '      - {cpu_cores: 1, memory_gb: 1, disk_gb: 10, ip: 192.168.150.11, auto_start: false, pcie_passthrough: {enabled: true, devices: [{pci_address: "0000:7e:00.0", device_type: gpu}]}}')
    const config = writeTemp('g.yaml', text)
    mkdirSync(path.join(path.dirname(config), 'images'))
    writeFileSync(path.join(path.dirname(config), 'images', 'base.qcow2'), Buffer.from([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]))
    const idle = await cli(['validate', config, '--check-host', '--sysfs-root', sandbox])
    assert.equal(idle.code, 0, show(idle))
    assert.match(idle.stdout, /^! PCI device 0000:7e:00\.0 .* does not exist on this host \(only nodes with auto_start: false need it: they cannot be started on this host\)$/m)
    writeFileSync(config, text.replace('auto_start: false, ', ''))
    const booting = await cli(['validate', config, '--check-host', '--sysfs-root', sandbox])
    assert.equal(booting.code, 1, show(booting))
    assert.match(booting.stdout, /^✗ PCI device 0000:7e:00\.0 .* does not exist on this host$/m)
  })
})

void describe('ai-how render and schema (CLI)', () => {
  void it('prints the expanded config, writes it with -o, and reports unset variables with positions', async () => {
    const config = writeTemp('r.yaml', '# kept\nimage: ${IMG_DIR:-/srv}/base.qcow2\ncost: $$5\ncores: ${CORES}\n')
    const yaml = await cli(['render', config], {CORES: '4'})
    assert.equal(yaml.code, 0, show(yaml))
    assert.equal(yaml.stdout, '# kept\nimage: /srv/base.qcow2\ncost: $5\ncores: 4\n')
    const json = await cli(['render', config, '--json'], {CORES: '4'})
    assert.deepEqual(JSON.parse(json.stdout), {image: '/srv/base.qcow2', cost: '$5', cores: 4})
    const output = path.join(sandbox, 'out', 'deep', 'rendered.yaml')
    const written = await cli(['render', config, '-o', output], {CORES: '4'})
    assert.equal(written.code, 0, show(written))
    assert.equal(readFileSync(output, 'utf8'), yaml.stdout)
    const unset = await cli(['render', config], {CORES: undefined})
    assert.equal(unset.code, 2, show(unset))
    assert.match(unset.stderr, /r\.yaml:4:8 {2}error {2}cores {2}variable CORES is not set/)
  })

  void it('prints the schema with the installed kinds, and writes it with -o', async () => {
    const r = await cli(['schema'])
    assert.equal(r.code, 0, show(r))
    const schema = JSON.parse(r.stdout) as {$schema: string; properties: {clusters: {properties: Record<string, unknown>}}}
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema')
    assert.deepEqual(Object.keys(schema.properties.clusters.properties).sort(), ['cloud', 'hpc'])
    const output = path.join(sandbox, 'schema', 'ai-how.schema.json')
    const written = await cli(['schema', '-o', output])
    assert.equal(written.code, 0, show(written))
    assert.deepEqual(JSON.parse(readFileSync(output, 'utf8')), schema)
  })
})
