import assert from 'node:assert/strict'
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, it} from 'node:test'
import type {StateDocument} from '@ai-how/core'
import {isolatedDir, runCli} from '../../test-support/cli.js'
import {assertGolden} from '../../test-support/golden.js'
import {FIXTURE_TREES, SYSFS_FIXTURES, fixtureRoot} from '../../test-support/paths.js'

/** The part of `gpu list --json` these tests read (docs/json/gpu-list.schema.json has all of it). */
interface GpuListJson {
  format_version: number
  sysfs_root: string
  gpus: {address: string; held_by: {vm_name: string} | null}[]
}

void describe('ai-how gpu list (real binary)', () => {
  for (const tree of FIXTURE_TREES) {
    void it(`reports the GPUs of the ${tree} tree as its golden file says`, async () => {
      const result = await runCli(['gpu', 'list', '--json'], {dir: await isolatedDir(), env: {AI_HOW_SYSFS_ROOT: fixtureRoot(tree)}})
      assert.equal(result.code, 0, result.stderr)
      const report = JSON.parse(result.stdout) as GpuListJson
      assert.equal(report.sysfs_root, fixtureRoot(tree))
      const portable = {...report, sysfs_root: `<fixtures>/${path.relative(SYSFS_FIXTURES, report.sysfs_root)}`}
      await assertGolden(`gpu-list.${tree}.json`, `${JSON.stringify(portable, null, 2)}\n`)
    })
  }

  void it('names the cluster node that holds a GPU according to the ledger (--state)', async () => {
    const dir = await isolatedDir()
    const statePath = path.join(dir, 'elsewhere/state.json')
    const doc: StateDocument = {version: 1, gpu_allocations: {'0000:01:00.0': {cluster: 'lab-hpc', kind: 'hpc', node: 'compute-01', vm_name: 'lab-hpc-compute-01', since: '2025-01-02T03:04:05.000Z'}}}
    await mkdir(path.dirname(statePath), {recursive: true})
    await writeFile(statePath, JSON.stringify(doc))
    const json = await runCli(['gpu', 'list', '--json', '--state', statePath, '--sysfs-root', fixtureRoot('workstation-vfio')], {dir})
    const report = JSON.parse(json.stdout) as GpuListJson
    assert.deepEqual(report.gpus.map((g) => [g.address, g.held_by?.vm_name ?? null]), [['0000:00:02.0', null], ['0000:01:00.0', 'lab-hpc-compute-01']])
    const text = await runCli(['gpu', 'list', '--state', statePath], {dir, env: {AI_HOW_SYSFS_ROOT: fixtureRoot('workstation-vfio')}})
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stdout, /0000:01:00\.0 {2}NVIDIA Corporation GA102GL \[RTX A6000\] \[10de:2230\]\n.*\n {2}held by: hpc cluster lab-hpc, node compute-01 \(VM lab-hpc-compute-01, since 2025-01-02T03:04:05\.000Z\)/)
    assert.match(text.stdout, /ready for passthrough: yes/)
  })

  void it('prints an honest empty result, exit 0, on a host without GPUs', async () => {
    const dir = await isolatedDir()
    const root = path.join(dir, 'no-gpu-host')
    await mkdir(path.join(root, 'sys/bus/pci/devices'), {recursive: true})
    const text = await runCli(['gpu', 'list'], {dir, env: {AI_HOW_SYSFS_ROOT: root}})
    assert.equal(text.code, 0, text.stderr)
    assert.ok(text.stdout.includes(`No GPUs found (display/3D controllers) under ${path.join(root, 'sys/bus/pci/devices')}`), text.stdout)
    const json = await runCli(['gpu', 'list', '--json'], {dir, env: {AI_HOW_SYSFS_ROOT: root}})
    assert.equal(json.code, 0, json.stderr)
    assert.deepEqual((JSON.parse(json.stdout) as GpuListJson).gpus, [])
  })

  void it('reads the real sysfs of this machine without failing, whatever it holds', async () => {
    const result = await runCli(['gpu', 'list', '--json'], {dir: await isolatedDir()})
    assert.equal(result.code, 0, result.stderr)
    const report = JSON.parse(result.stdout) as GpuListJson
    assert.equal(report.sysfs_root, '/')
    assert.ok(Array.isArray(report.gpus))
  })

  void it('refuses a corrupt state file instead of pretending nobody holds anything', async () => {
    const dir = await isolatedDir()
    await mkdir(path.join(dir, 'output'), {recursive: true})
    await writeFile(path.join(dir, 'output/state.json'), '{"version": 1, "gpu_allocations": ')
    const result = await runCli(['gpu', 'list', '--json'], {dir, env: {AI_HOW_SYSFS_ROOT: fixtureRoot('workstation-vfio')}})
    assert.equal(result.code, 1)
    assert.match(result.stdout, /STATE_CORRUPT/)
  })
})
