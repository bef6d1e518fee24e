/** `ai-how plan` through the real binary, against libvirt's test driver: every cluster of the config, nothing created. */
import assert from 'node:assert/strict'
import path from 'node:path'
import {it} from 'node:test'
import {execa} from 'execa'

const root = path.resolve(import.meta.dirname, '../..')

interface Report {
  kind: string
  cluster: string
  items: {object: string; name: string; action: string; details: Record<string, unknown>; xml?: string}[]
}

async function plan(args: string[]): Promise<{exitCode?: number; stdout: string; stderr: string}> {
  return execa(process.execPath, ['packages/core/bin/run.js', 'plan', 'examples/hpc-and-cloud.yaml', '--json', ...args], {
    cwd: root,
    reject: false,
    env: {LIBVIRT_DEFAULT_URI: 'test:///default', AI_HOW_IMAGE_DIR: '/nonexistent', AI_HOW_DATA_DIR: path.join(root, 'nonexistent-data'), AI_HOW_SYSFS_ROOT: '/nonexistent'},
  })
}

void it('plans every cluster of the config, hpc and cloud, with the spec\'s names, and creates nothing', async () => {
  const res = await plan([])
  assert.equal(res.exitCode, 0, res.stderr)
  const reports = JSON.parse(res.stdout) as Report[]
  assert.deepEqual(reports.map((r) => r.kind), ['hpc', 'cloud'])
  for (const report of reports) {
    assert.ok(report.items.every((i) => i.action === 'create'), report.kind)
    assert.deepEqual([...new Set(report.items.map((i) => i.object))].sort(), ['domain', 'network', 'pool', 'volume'])
  }
  const cloud = reports[1]
  assert.ok(cloud)
  const domains = cloud.items.filter((i) => i.object === 'domain')
  assert.deepEqual(domains.map((d) => d.name), [`${cloud.cluster}-control-plane`, `${cloud.cluster}-cpu-worker-01`, `${cloud.cluster}-gpu-worker-01`])
  assert.deepEqual(domains.map((d) => d.details.role), ['kubernetes-control-plane', 'kubernetes-worker', 'kubernetes-worker'])
  assert.ok(cloud.items.some((i) => i.object === 'network' && i.name === `${cloud.cluster}-network`))
})

void it('renders the cloud control plane without hostdevs and the GPU worker with them (--show-xml)', async () => {
  const res = await plan(['--show-xml', '--cluster', 'cloud'])
  assert.equal(res.exitCode, 0, res.stderr)
  const [cloud] = JSON.parse(res.stdout) as Report[]
  const xml = (name: string): string => cloud?.items.find((i) => i.object === 'domain' && i.name.endsWith(name))?.xml ?? ''
  assert.match(xml('-control-plane'), /role='kubernetes-control-plane'/)
  assert.doesNotMatch(xml('-control-plane'), /<hostdev/)
  assert.doesNotMatch(xml('-cpu-worker-01'), /<hostdev/)
  assert.match(xml('-gpu-worker-01'), /<hostdev mode='subsystem' type='pci' managed='yes'>/)
})
