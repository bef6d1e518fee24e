import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {brief, loadIssues, twoClusters} from './fixtures/kinds.test.js'

const NO_BARE_ALTERNATIVES = /any of the given schemas|must match (exactly one|"else"|"then")/

void describe('schema errors as issues', () => {
  void it('points an unknown key at the key itself, with the allowed keys', async () => {
    const lines = twoClusters()
    lines.splice(15, 0, '        disk_gb: 10')
    const [issue, ...rest] = await loadIssues(lines)
    assert.deepEqual(rest, [])
    assert.deepEqual(brief([issue ?? assert.fail()]), ['16:9 clusters.alpha.nodes[0].disk_gb schema.unknown-key'])
    assert.equal(issue?.message, 'unknown key "disk_gb"')
    assert.equal(issue.fix, 'remove it; allowed keys here: name, ip, cpu_cores, memory_gb, cpu_topology, gpus')
  })

  void it('suggests the key a typo was meant to be', async () => {
    const lines = twoClusters()
    lines.splice(10, 0, '      gatway: 192.168.100.1')
    const issues = await loadIssues(lines)
    assert.deepEqual(brief(issues), ['11:7 clusters.alpha.network.gatway schema.unknown-key'])
    assert.match(issues[0]?.fix ?? '', /^rename it to "gateway"/)
  })

  void it('reports a misspelt required key once, as the key to rename', async () => {
    const lines = twoClusters()
    lines[14] = '        memory_g: 8'
    const issues = await loadIssues(lines)
    assert.deepEqual(brief(issues), ['15:9 clusters.alpha.nodes[0].memory_g schema.unknown-key'])
    assert.match(issues[0]?.fix ?? '', /^rename it to "memory_gb"/)
  })

  void it('names the installed kinds for an unknown cluster kind', async () => {
    const lines = [...twoClusters(), '  delta:', '    name: d']
    const issues = await loadIssues(lines)
    assert.deepEqual(brief(issues), ['26:3 clusters.delta clusters.unknown-kind'])
    assert.equal(issues[0]?.message, 'unknown cluster kind "delta"; installed kinds: alpha, beta, gamma')
    assert.match(issues[0].fix, /install the plugin that provides it \(ai-how plugins install .*\) or fix the key/)
  })

  void it('points a missing key inside a list item at that item and names the key to add', async () => {
    const lines = twoClusters()
    lines.splice(14, 1)
    const issues = await loadIssues(lines)
    assert.deepEqual(brief(issues), ['12:9 clusters.alpha.nodes[0].memory_gb schema.required'])
    assert.equal(issues[0]?.message, 'missing required key "memory_gb"')
    assert.equal(issues[0].fix, 'add memory_gb: <a whole number >= 1> under clusters.alpha.nodes[0]')
  })

  void it('reports the errors of the list form, not "not valid under any of the given schemas"', async () => {
    const lines = twoClusters()
    lines[13] = '        cpu_cores: 0'
    lines.splice(15, 0, '      - name: a2', '        ip: 192.168.100.11', '        cpu_cores: 2', '        memory_gb: true')
    const issues = await loadIssues(lines)
    assert.deepEqual(brief(issues), ['14:20 clusters.alpha.nodes[0].cpu_cores schema.minimum', '19:20 clusters.alpha.nodes[1].memory_gb schema.type'])
    assert.equal(issues[0]?.message, 'found the number 0, expected a number >= 1')
    assert.equal(issues[1]?.message, 'found the boolean true, expected a whole number')
    assert.ok(issues.every((i) => !NO_BARE_ALTERNATIVES.test(i.message)))
  })

  void it('picks the branch the value is closest to (the count form for a map)', async () => {
    const lines = twoClusters().slice(0, 11)
    lines.push('      count: 0')
    const issues = await loadIssues(lines)
    assert.deepEqual(brief(issues), ['12:14 clusters.alpha.nodes.count schema.minimum'])
  })

  void it('lists every allowed form when the value matches none of them, with the hint as fix', async () => {
    const lines = twoClusters()
    lines[12] = '        ip: dhcp'
    const issues = await loadIssues(lines)
    assert.deepEqual(brief(issues), ['13:13 clusters.alpha.nodes[0].ip schema.alternatives'])
    assert.equal(issues[0]?.message, 'found "dhcp", expected a valid ipv4, or "DHCP"')
    assert.equal(issues[0].fix, 'an IPv4 address in the subnet, or DHCP')
  })

  void it('rejects non-strict IPv4 addresses (leading zeros, octets over 255)', async () => {
    const lines = twoClusters()
    lines[12] = '        ip: 192.168.100.010'
    lines[22] = '        ip: 192.168.200.256'
    const issues = await loadIssues(lines)
    assert.deepEqual(brief(issues), ['13:13 clusters.alpha.nodes[0].ip schema.alternatives', '23:13 clusters.beta.nodes[0].ip schema.alternatives'])
  })

  void it('tells to quote version 1.0 and to add a cluster when there is none', async () => {
    const issues = await loadIssues(['version: 1.0', 'metadata: {name: x, description: y}', 'clusters: {}'])
    assert.deepEqual(brief(issues), ['1:10 version schema.type', '3:11 clusters clusters.empty'])
    assert.equal(issues[0]?.message, 'found the number 1, expected a string')
    assert.match(issues[0].fix, /version: "1\.0" \(quoted/)
    assert.match(issues[1]?.fix ?? '', /installed kinds: alpha, beta, gamma/)
  })

  void it('points an empty value at its key', async () => {
    const issues = await loadIssues(['version: "1.0"', 'metadata:', 'clusters:', '  alpha: {name: a, network: {subnet: 10.0.0.0/24, bridge: b}, nodes: {count: 1}}'])
    assert.deepEqual(brief(issues), ['2:1 metadata schema.type'])
    assert.equal(issues[0]?.message, 'found an empty value, expected a map (key: value entries)')
  })

  void it('gives the position of a YAML syntax error and of a duplicate key', async () => {
    const syntax = await loadIssues(['version: "1.0"', 'metadata:', '  name: [demo', '  description: x'])
    assert.equal(syntax[0]?.code.startsWith('yaml.'), true)
    assert.equal(syntax[0].line, 4)
    const duplicate = await loadIssues(['version: "1.0"', 'metadata:', '  name: a', '  name: b'])
    assert.deepEqual(brief(duplicate), ['4:3 (yaml) yaml.duplicate-key'])
    assert.equal(duplicate[0]?.message, 'Map keys must be unique')
  })
})
