/**
 * The config corpus (issue 8 §2): what plan, start or libvirt would reject is caught by validate.
 * Each file under invalid/ holds one defect and names in its header the one error validate must
 * report (position, path, code, exact message and fix); each file under valid/ is an edge case
 * that must load with no issue, and whose network, rendered as `start` renders it, libvirt defines.
 * The size limit is checked on generated files (a 1 MiB file is not kept in the repository).
 */
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'
import {MAX_CONFIG_BYTES} from '@ai-how/core'
import type {NetworkConfig} from '@ai-how/plugin-hpc'
import {LibvirtRenderer, buildNetworkView, describeHpc} from '@ai-how/plugin-hpc'
import {describeCloud} from '@ai-how/plugin-cloud'
import {brief, corpusFiles, expectedOf, libvirtRefusal, load} from './corpus.js'

const invalid = corpusFiles('invalid')
const valid = corpusFiles('valid')

void describe('config corpus: invalid configs', () => {
  void it('holds at least 40 invalid configs', () => {
    assert.ok(invalid.length >= 40, `${invalid.length} invalid configs`)
  })

  for (const file of invalid) {
    void it(`${path.basename(file)}: exactly the expected error`, async () => {
      const {issues} = await load(file)
      const errors = issues.filter((i) => i.severity === 'error')
      assert.deepEqual(errors.map(brief), [expectedOf(file)])
      assert.equal(errors[0]?.file, path.relative(path.resolve(import.meta.dirname, '../..'), file))
    })
  }
})

void describe('config corpus: valid edge cases', () => {
  void it('holds valid edge cases', () => {
    assert.ok(valid.length >= 10, `${valid.length} valid configs`)
  })

  const renderer = new LibvirtRenderer()
  for (const file of valid) {
    void it(`${path.basename(file)}: loads with no issue, and libvirt defines its networks`, async () => {
      const {issues, loaded} = await load(file)
      assert.deepEqual(issues.map(brief), [])
      assert.ok(loaded)
      assert.deepEqual(loaded.warnings.map(brief), [])
      const sections = loaded.config.clusters as Record<string, {network: NetworkConfig}>
      for (const [kind, section] of Object.entries(sections)) {
        const cluster = (kind === 'hpc' ? describeHpc : describeCloud)(section, loaded)
        const {dhcp_start: dhcpStart, dhcp_end: dhcpEnd} = section.network
        const view = buildNetworkView(cluster, {networkName: `${cluster.name}-net`, ...(dhcpStart === undefined ? {} : {dhcpStart}), ...(dhcpEnd === undefined ? {} : {dhcpEnd})})
        assert.equal(await libvirtRefusal(renderer.network(view)), undefined, `${kind} network of ${path.basename(file)}`)
      }
    })
  }
})

void describe('config corpus: the size limit', () => {
  const base = readFileSync(valid.find((f) => f.endsWith('resources-min.yaml')) ?? '', 'utf8')
  const padded = (bytes: number): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ai-how-corpus-size-'))
    const file = path.join(dir, 'padded.yaml')
    const filler = bytes - Buffer.byteLength(base) - 3
    writeFileSync(file, `${base}# ${'x'.repeat(filler)}\n`)
    assert.equal(Buffer.byteLength(readFileSync(file)), bytes)
    return file
  }

  void it('a file of exactly 1 MiB loads', async () => {
    assert.deepEqual((await load(padded(MAX_CONFIG_BYTES))).issues.map(brief), [])
  })

  void it('one byte more is a config error that names the size and the limit', async () => {
    const file = padded(MAX_CONFIG_BYTES + 1)
    const {issues} = await load(file)
    assert.deepEqual(issues.map(brief), [
      {
        where: '1:1 (file) file.too-large',
        message: 'the file is 1048577 bytes; ai-how reads config files of at most 1 MiB (1048576 bytes)',
        fix: 'point ai-how at the cluster config itself (a few KiB); keep data files out of it',
      },
    ])
  })
})
