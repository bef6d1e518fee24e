/**
 * `ai-how plan` through the real binary, against libvirt's test driver: every cluster of the config
 * or only --cluster KEY, the rendered XML with --show-xml (and none without), objects of the right
 * name that ai-how did not create shown as conflicts, and nothing created.
 */
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, it} from 'node:test'
import {execa} from 'execa'

const root = path.resolve(import.meta.dirname, '../..')
const box = mkdtempSync(path.join(os.tmpdir(), 'ai-how-plan-cli-'))
after(() => {
  rmSync(box, {recursive: true, force: true})
})

interface Report {
  kind: string
  cluster: string
  items: {object: string; name: string; action: string; details: Record<string, unknown>; xml?: string}[]
}

interface Run {
  exitCode?: number
  stdout: string
  stderr: string
}

/** `ai-how plan examples/hpc-and-cloud.yaml ARGS` (--json unless `text`), on the test driver's default world or `uri`. */
async function plan(args: string[], o: {text?: boolean; uri?: string} = {}): Promise<Run> {
  return execa(process.execPath, ['packages/core/bin/run.js', 'plan', 'examples/hpc-and-cloud.yaml', ...(o.text ? [] : ['--json']), ...args], {
    cwd: root,
    reject: false,
    env: {LIBVIRT_DEFAULT_URI: o.uri ?? 'test:///default', AI_HOW_IMAGE_DIR: '/nonexistent', AI_HOW_DATA_DIR: path.join(box, 'data'), AI_HOW_SYSFS_ROOT: '/nonexistent', NO_COLOR: '1'},
  })
}

const show = (r: Run): string => `exit ${String(r.exitCode)}\n${r.stdout}\n${r.stderr}`

void it('plans every cluster of the config, hpc and cloud, with the spec\'s names, and creates nothing', async () => {
  const res = await plan([])
  assert.equal(res.exitCode, 0, res.stderr)
  const reports = (JSON.parse(res.stdout) as {clusters: Report[]}).clusters
  assert.deepEqual(reports.map((r) => r.kind), ['hpc', 'cloud'])
  for (const report of reports) {
    assert.ok(report.items.every((i) => i.action === 'create'), report.kind)
    assert.deepEqual(report.items.filter((i) => 'xml' in i), [], 'no XML without --show-xml')
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
  const reports = (JSON.parse(res.stdout) as {clusters: Report[]}).clusters
  assert.deepEqual(reports.map((r) => r.kind), ['cloud'], 'only the cluster asked for')
  const [cloud] = reports
  const xml = (name: string): string => cloud?.items.find((i) => i.object === 'domain' && i.name.endsWith(name))?.xml ?? ''
  assert.match(xml('-control-plane'), /role='kubernetes-control-plane'/)
  assert.doesNotMatch(xml('-control-plane'), /<hostdev/)
  assert.doesNotMatch(xml('-cpu-worker-01'), /<hostdev/)
  assert.match(xml('-gpu-worker-01'), /<hostdev mode='subsystem' type='pci' managed='yes'>/)
})

void it('--cluster hpc --show-xml: only hpc; network, pool and every domain with XML that names it and agrees with the plan', async () => {
  const res = await plan(['--cluster', 'hpc', '--show-xml'])
  assert.equal(res.exitCode, 0, show(res))
  const reports = (JSON.parse(res.stdout) as {clusters: Report[]}).clusters
  assert.deepEqual(reports.map((r) => [r.kind, r.cluster]), [['hpc', 'hpc-cluster']])
  const items = reports[0]?.items ?? []
  const rendered = items.filter((i) => i.object !== 'volume')
  assert.deepEqual(rendered.map((i) => `${i.object} ${i.name}`), [
    'network hpc-cluster-network', 'pool hpc-cluster-pool',
    'domain hpc-cluster-controller', 'domain hpc-cluster-compute-01', 'domain hpc-cluster-compute-02',
  ])
  for (const item of rendered) assert.match(item.xml ?? '', new RegExp(`^<${item.object}[ >][\\s\\S]*<name>${item.name}</name>`), item.name)
  const network = rendered[0]?.xml ?? ''
  for (const domain of rendered.filter((i) => i.object === 'domain')) {
    const {mac, ip} = domain.details as {mac: string; ip: string}
    assert.match(domain.xml ?? '', new RegExp(`<mac address='${mac}'/>`), domain.name)
    assert.ok(network.includes(`<host mac='${mac}' name='${domain.name}' ip='${ip}'/>`), `${domain.name}'s DHCP reservation`)
  }
})

void it('prints the XML under each object in text form with --show-xml, and none without', async () => {
  const withXml = await plan(['--cluster', 'hpc', '--show-xml'], {text: true})
  assert.equal(withXml.exitCode, 0, show(withXml))
  assert.match(withXml.stdout, /^ {2}\+ create {3}network hpc-cluster-network {2}\(absent\)\n.*\n {6}<network>\n {8}<name>hpc-cluster-network<\/name>$/m)
  assert.match(withXml.stdout, /^ {6}<domain type='kvm'>\n {8}<name>hpc-cluster-compute-02<\/name>$/m)
  const without = await plan(['--cluster', 'hpc'], {text: true})
  assert.equal(without.exitCode, 0, show(without))
  assert.doesNotMatch(without.stdout, /</)
  assert.match(without.stdout, /^hpc cluster hpc-cluster on test:\/\/\/default:$/m)
  assert.match(without.stdout, /^ {2}12 to create, 0 to change, 0 to keep, 0 to conflict$/m)
})

void it('refuses a --cluster the file does not have, naming the ones it has (exit 2)', async () => {
  const res = await plan(['--cluster', 'nosuch'], {text: true})
  assert.equal(res.exitCode, 2, show(res))
  assert.equal(res.stdout, '')
  assert.equal(res.stderr, 'Error: examples/hpc-and-cloud.yaml has no cluster "nosuch"\n  → Use one of: hpc, cloud.')
  const json = await plan(['--cluster', 'nosuch'])
  assert.equal(json.exitCode, 2, show(json))
  assert.deepEqual(JSON.parse(json.stdout), {
    format_version: 1, name: 'UsageError', code: 'PLAN_UNKNOWN_CLUSTER', message: 'examples/hpc-and-cloud.yaml has no cluster "nosuch"', exit_code: 2, actions: ['Use one of: hpc, cloud.'],
  })
})

void it('shows a network and a domain of the cluster\'s names that ai-how did not create as conflicts (exit 0)', async () => {
  const world = path.join(box, 'foreign.xml')
  writeFileSync(world, `<node>
  <network><name>hpc-cluster-network</name><uuid>6f0c1f6e-3c1a-4a53-9b1e-0000000000aa</uuid><bridge name='virbr7'/></network>
  <domain type='test'><name>hpc-cluster-compute-01</name><uuid>6f0c1f6e-3c1a-4a53-9b1e-0000000000bb</uuid>
    <memory unit='MiB'>512</memory><os><type arch='x86_64'>hvm</type></os></domain>
</node>
`)
  const res = await plan(['--cluster', 'hpc'], {uri: `test://${world}`})
  assert.equal(res.exitCode, 0, show(res))
  const items = ((JSON.parse(res.stdout) as {clusters: Report[]}).clusters)[0]?.items ?? []
  const conflicts = items.filter((i) => i.action === 'conflict').map((i) => `${i.object} ${i.name}: ${String((i as {reason?: string}).reason)}`)
  assert.deepEqual(conflicts, [
    'network hpc-cluster-network: exists, not created by ai-how: start refuses it',
    'domain hpc-cluster-compute-01: exists, not created by ai-how: start refuses it',
  ])
  assert.deepEqual(items.filter((i) => i.action !== 'conflict' && i.action !== 'create'), [])
  const text = await plan(['--cluster', 'hpc'], {uri: `test://${world}`, text: true})
  assert.match(text.stdout, /^ {2}! conflict domain {2}hpc-cluster-compute-01 {2}\(exists, not created by ai-how: start refuses it\)$/m)
  assert.match(text.stdout, /^ {2}8 to create, 0 to change, 0 to keep, 2 to conflict$/m)
})
