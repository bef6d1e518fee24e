import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {KINDS, brief, fixtureKind, loadIssues, twoClusters, writeConfig} from './fixtures/kinds.test.js'
import {loadConfig} from './load.js'

const EIGHT_MISTAKES = [
  'version: 1.0', //                                         1: a number, not the string "1.0"
  'metadata:', //                                            2: description missing
  '  name: demo',
  'colour: blue', //                                         4: unknown top-level key
  'clusters:',
  '  alpha:',
  '    name: alpha',
  '    network:',
  '      subnet: 192.168.100.0/24',
  '      bridge: virbr100',
  '    nodes:',
  '      - name: a1',
  '        ip: ${A1_IP}', //                                 13: unset variable
  '        cpu_cores: 4',
  '        memory_gb: 8',
  '      - name: a2',
  '        ip: 192.168.200.20', //                           17: outside the subnet
  '        cpu_cores: 4',
  '        memory_gb: 8',
  '        cpu_topology: {sockets: 1, cores: 2, threads: 1}', // 20: 2 vCPUs != 4
  '  beta:',
  '    name: beta',
  '    network:',
  '      subnet: 192.168.100.128/25', //                     24: overlaps alpha
  '      bridge: virbr200',
  '    nodes:',
  '      - name: b1',
  '        ip: 192.168.100.130',
  '        cpu_cores: 2',
  '        memory_gb: 4',
  '  gamma:',
  '    name: gamma',
  '    network:',
  '      subnet: 10.0.0.0/24',
  '      bridge: virbr300',
  '    nodes:',
  '      - name: c1',
  '        ip: 10.0.0.10',
  '        cpu_cores: 2',
  '        memory_gb: lots', //                              40: not a number, inside a list item
]

void describe('loadConfig', () => {
  void it('reports eight different mistakes, schema and semantic, in one run with their positions', async () => {
    const issues = await loadIssues(EIGHT_MISTAKES)
    assert.deepEqual(brief(issues), [
      '1:10 version schema.type',
      '3:3 metadata.description schema.required',
      '4:1 colour schema.unknown-key',
      '13:13 clusters.alpha.nodes[0].ip var.unset',
      '17:13 clusters.alpha.nodes[1].ip ip.outside-subnet',
      '20:23 clusters.alpha.nodes[1].cpu_topology cpu.topology',
      '24:15 clusters.beta.network.subnet network.overlap',
      '40:20 clusters.gamma.nodes[0].memory_gb schema.type',
    ])
    assert.ok(issues.every((i) => i.severity === 'error' && i.file.endsWith('config.yaml') && i.fix.length > 0))
    assert.match(issues[0]?.fix ?? '', /quoted/)
    assert.match(issues[3]?.message ?? '', /A1_IP/)
    assert.match(issues[3]?.fix ?? '', /export A1_IP=.*\$\{A1_IP:-default\}/)
  })

  void it('puts every issue in the message of the one ConfigError (exit 2)', async () => {
    const file = writeConfig(EIGHT_MISTAKES)
    await assert.rejects(loadConfig(file, KINDS, {}), (error: Error & {exitCode: number; code: string}) => {
      assert.equal(error.code, 'CONFIG_INVALID')
      assert.equal(error.exitCode, 2)
      assert.match(error.message, /\(8 errors\)/)
      assert.match(error.message, /config\.yaml:40:20 {2}error {2}clusters\.gamma\.nodes\[0\]\.memory_gb {2}found "lots", expected a whole number/)
      return true
    })
  })

  void it('returns the expanded data, resolves aiHowPath fields against the config folder and ~ against HOME', async () => {
    const lines = twoClusters()
    lines.splice(7, 0, '    base_image_path: ${IMAGES:-images}/base.qcow2')
    lines.splice(18, 0, '    base_image_path: ~/vm/beta.qcow2')
    const file = writeConfig(lines)
    const loaded = await loadConfig(file, KINDS, {HOME: '/home/tester'})
    const clusters = loaded.config.clusters as Record<string, {base_image_path: string}>
    assert.equal(clusters.alpha?.base_image_path, path.join(path.dirname(file), 'images', 'base.qcow2'))
    assert.equal(clusters.beta?.base_image_path, '/home/tester/vm/beta.qcow2')
    assert.equal(loaded.dir, path.dirname(file))
    assert.deepEqual(loaded.warnings, [])
    assert.deepEqual(loaded.locator.locate(['clusters', 'beta', 'nodes', 0, 'ip']), {line: 25, column: 13})
  })

  void it('expands TOT to the nearest ancestor of the config folder that holds .git, else to that folder', async () => {
    const lines = twoClusters()
    lines.splice(7, 0, '    base_image_path: $TOT/images/base.qcow2')
    const flat = writeConfig(lines)
    const loadedFlat = await loadConfig(flat, KINDS, {})
    assert.equal(loadedFlat.tot, path.dirname(flat))
    const root = path.dirname(writeConfig(['unused: true']))
    mkdirSync(path.join(root, '.git'))
    mkdirSync(path.join(root, 'sub', 'dir'), {recursive: true})
    const nested = path.join(root, 'sub', 'dir', 'config.yaml')
    writeFileSync(nested, `${lines.join('\n')}\n`)
    const loaded = await loadConfig(nested, KINDS, {TOT: '/not/used'})
    const clusters = loaded.config.clusters as Record<string, {base_image_path: string}>
    assert.equal(loaded.tot, root)
    assert.equal(clusters.alpha?.base_image_path, path.join(root, 'images', 'base.qcow2'))
  })

  void it('reports an unset variable once, not also as the schema error its empty value causes', async () => {
    const lines = twoClusters()
    lines[12] = '        ip: $NODE_IP'
    const issues = await loadIssues(lines)
    assert.deepEqual(brief(issues), ['13:13 clusters.alpha.nodes[0].ip var.unset'])
  })

  void it('passes every value through the environment given, keeping quoted values strings', async () => {
    const lines = twoClusters()
    lines[13] = '        cpu_cores: ${CORES}'
    lines[14] = '        memory_gb: "${MEM}"'
    const issues = await loadIssues(lines, {CORES: '6', MEM: '8'})
    assert.deepEqual(brief(issues), ['15:20 clusters.alpha.nodes[0].memory_gb schema.type'])
    assert.match(issues[0]?.message ?? '', /found "8", expected a whole number/)
  })

  void it('names the kind whose schema fragment does not compile', async () => {
    const broken = {...fixtureKind('delta'), schema: {type: 'object', properties: {x: {type: 'strin'}}}}
    await assert.rejects(loadConfig(writeConfig(twoClusters()), [...KINDS, broken], {}), (error: Error & {code: string; exitCode: number}) => {
      assert.equal(error.code, 'PLUGIN_INVALID_SCHEMA')
      assert.equal(error.exitCode, 1)
      assert.match(error.message, /cluster kind "delta"/)
      return true
    })
  })
})
