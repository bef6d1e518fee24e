import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {KINDS, brief, loadIssues, twoClusters, writeConfig} from './fixtures/kinds.test.js'
import {loadConfig} from './load.js'

const GPU = ['        gpus:', '          - {pci_address: "0000:01:00.0", device_type: gpu}', '          - {pci_address: "0000:01:00.1", device_type: audio}']

void describe('semantic checks', () => {
  void it('accepts a GPU shared by two clusters, with one gpu.shared warning naming both users', async () => {
    const loaded = await loadConfig(writeConfig(twoClusters({alpha: GPU, beta: GPU})), KINDS, {})
    assert.deepEqual(brief(loaded.warnings), ['30:13 clusters.beta.nodes[0].gpus[0] gpu.shared'])
    assert.equal(loaded.warnings[0]?.severity, 'warning')
    assert.equal(loaded.warnings[0].message, 'shared GPU 0000:01:00.0 used by alpha (a1) and beta (b1); only one VM can hold it at a time')
  })

  void it('rejects the same PCI device twice within one cluster', async () => {
    const lines = twoClusters({alpha: [...GPU, '      - name: a2', '        ip: 192.168.100.11', '        cpu_cores: 4', '        memory_gb: 8', GPU[0] ?? '', GPU[1] ?? '']})
    const issues = await loadIssues(lines)
    assert.deepEqual(brief(issues), ['24:13 clusters.alpha.nodes[1].gpus[0] pci.duplicate'])
    assert.match(issues[0]?.message ?? '', /0000:01:00\.0 is listed twice in alpha: already passed through to node a1/)
  })

  void it('rejects an IP used twice across clusters, pointing at the second one and naming the first', async () => {
    const lines = twoClusters()
    lines[18] = '      subnet: 192.168.100.0/25'
    lines[22] = '        ip: 192.168.100.10'
    const issues = await loadIssues(lines)
    assert.deepEqual(brief(issues), ['19:15 clusters.beta.network.subnet network.overlap', '23:13 clusters.beta.nodes[0].ip ip.duplicate'])
    assert.equal(issues[1]?.message, 'IP 192.168.100.10 of beta node b1 is already used by alpha node a1 (line 13)')
  })

  void it('rejects overlapping subnets and a bridge used by two clusters', async () => {
    const lines = twoClusters()
    lines[18] = '      subnet: 192.168.0.0/16'
    lines[19] = '      bridge: virbr100'
    const issues = await loadIssues(lines)
    assert.deepEqual(brief(issues), ['19:15 clusters.beta.network.subnet network.overlap', '20:15 clusters.beta.network.bridge network.duplicate-bridge'])
    assert.equal(issues[0]?.message, 'subnet 192.168.0.0/16 of beta overlaps subnet 192.168.100.0/24 of alpha')
  })

  void it('rejects node IPs outside the subnet or on its network, broadcast or gateway address', async () => {
    const node = (ip: string): string[] => [`      - {name: n${ip.replaceAll('.', '-')}, ip: ${ip}, cpu_cores: 1, memory_gb: 1}`]
    const lines = twoClusters({alpha: [...node('192.168.100.0'), ...node('192.168.100.255'), ...node('192.168.100.1'), ...node('10.1.1.1')]})
    lines[9] = '      bridge: virbr100'
    lines.splice(10, 0, '      gateway: 192.168.100.1')
    const issues = await loadIssues(lines)
    assert.deepEqual(
      issues.map((i) => i.code),
      ['ip.network-address', 'ip.broadcast-address', 'ip.gateway-address', 'ip.outside-subnet'],
    )
    assert.deepEqual(issues.map((i) => i.line), [17, 18, 19, 20])
    assert.match(issues[3]?.fix ?? '', /192\.168\.100\.2-192\.168\.100\.254/)
  })

  void it('rejects a cpu topology whose vCPUs differ from cpu_cores and accepts one that matches', async () => {
    const bad = await loadIssues(twoClusters({beta: ['        cpu_topology: {sockets: 1, cores: 2, threads: 2}']}))
    assert.deepEqual(brief(bad), ['26:23 clusters.beta.nodes[0].cpu_topology cpu.topology'])
    assert.match(bad[0]?.message ?? '', /1 sockets x 2 cores x 2 threads = 4 vCPUs, but cpu_cores is 2/)
    await loadConfig(writeConfig(twoClusters({beta: ['        cpu_topology: {sockets: 1, cores: 1, threads: 2}']})), KINDS, {})
  })

  void it('adds the issues of the kind\'s own check()', async () => {
    const issues = await loadIssues(twoClusters({alpha: ['      - {name: a1, ip: 192.168.100.11, cpu_cores: 1, memory_gb: 1}']}))
    assert.deepEqual(brief(issues), ['16:16 clusters.alpha.nodes[1].name fixture.duplicate-name'])
  })
})
