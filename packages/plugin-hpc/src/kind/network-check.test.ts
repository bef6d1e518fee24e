/**
 * The DHCP range rule of validate against libvirt itself: for each range, dhcpRangeIssues accepts
 * it exactly when `virsh net-define` (test:///default, which parses networks as libvirtd does)
 * accepts a network with that range. Unset ends take the default range, as the renderer does.
 * libvirt's limit is not a count: 65536 addresses inside one /16 block pass, two across a /16 boundary do not.
 */
import assert from 'node:assert/strict'
import {mkdtempSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'
import {execa} from 'execa'
import {formatIpv4, parseCidr} from '@ai-how/core'
import type {SourceLocator} from '@ai-how/core'
import {defaultDhcpRange} from './describe/network.js'
import {dhcpRangeIssues} from './network-check.js'
import type {NetworkConfig} from './types.js'

const locator: SourceLocator = {file: 'c.yaml', locate: () => ({line: 1, column: 1})}
const dir = mkdtempSync(path.join(os.tmpdir(), 'ai-how-dhcp-'))

function netmask(prefix: number): string {
  return formatIpv4(2 ** 32 - 2 ** (32 - prefix))
}

/** undefined when libvirt defines a network with this range (gateway = first host), else libvirt's message. */
async function libvirt(network: NetworkConfig): Promise<string | undefined> {
  const cidr = parseCidr(network.subnet)
  assert.ok(cidr)
  const defaults = defaultDhcpRange(cidr.network, cidr.broadcast)
  const start = network.dhcp_start ?? formatIpv4(defaults.start)
  const end = network.dhcp_end ?? formatIpv4(defaults.end)
  const file = path.join(dir, 'net.xml')
  writeFileSync(file, `<network><name>t</name><bridge name='virbrt0'/><ip address='${formatIpv4(cidr.network + 1)}' netmask='${netmask(cidr.prefix)}'><dhcp><range start='${start}' end='${end}'/></dhcp></ip></network>`)
  const r = await execa('virsh', ['-q', '-c', 'test:///default', 'net-define', file], {reject: false, env: {LC_ALL: 'C'}})
  return r.exitCode === 0 ? undefined : r.stderr.trim()
}

const net = (subnet: string, dhcpStart?: string, dhcpEnd?: string): NetworkConfig => ({
  subnet,
  bridge: 'virbrt0',
  ...(dhcpStart === undefined ? {} : {dhcp_start: dhcpStart}),
  ...(dhcpEnd === undefined ? {} : {dhcp_end: dhcpEnd}),
})

// [network, the code validate reports (undefined: valid)]
const CASES: [NetworkConfig, string | undefined][] = [
  [net('10.0.0.0/8'), 'network.dhcp-too-large'],
  [net('10.0.0.0/15'), 'network.dhcp-too-large'],
  [net('10.0.0.0/16'), undefined],
  [net('172.16.0.0/12', '172.16.0.20'), 'network.dhcp-too-large'],
  [net('10.0.0.0/8', '10.0.0.1', '10.0.255.255'), undefined],
  [net('10.0.0.0/8', '10.0.0.1', '10.1.0.0'), 'network.dhcp-too-large'],
  [net('10.0.0.0/15', '10.0.0.3', '10.1.0.0'), 'network.dhcp-too-large'],
  [net('10.0.0.0/15', '10.0.255.255', '10.1.0.0'), 'network.dhcp-too-large'],
  [net('10.0.0.0/8', '10.1.0.0', '10.1.255.255'), undefined],
  [net('10.0.0.0/15', '10.1.0.0', '10.1.255.254'), undefined],
  [net('192.168.1.0/24', '192.168.1.200', '192.168.1.100'), 'network.dhcp-reversed'],
  [net('192.168.1.0/24', undefined, '192.168.1.5'), 'network.dhcp-reversed'],
  [net('192.168.1.0/24', '192.168.1.0'), 'network.dhcp-outside'],
  [net('192.168.1.0/24', undefined, '192.168.1.255'), 'network.dhcp-outside'],
  [net('192.168.1.0/24', '192.168.2.10'), 'network.dhcp-outside'],
  [net('192.168.1.0/24', undefined, '192.168.2.10'), 'network.dhcp-outside'],
  [net('192.168.1.0/24', '192.168.1.100', '192.168.1.100'), undefined],
  [net('192.168.1.0/24', '192.168.1.1', '192.168.1.254'), undefined],
  [net('192.168.1.0/29'), undefined],
  [net('192.168.1.0/30'), undefined],
]

void describe('DHCP range check', () => {
  for (const [network, code] of CASES) {
    const name = `${network.subnet} ${network.dhcp_start ?? '(default)'}-${network.dhcp_end ?? '(default)'}`
    void it(`${name}: ${code ?? 'valid'}, as libvirt decides`, async () => {
      const issues = dhcpRangeIssues(network, ['clusters', 'hpc'], locator)
      assert.deepEqual(issues.map((i) => i.code), code === undefined ? [] : [code])
      const refusal = await libvirt(network)
      if (code === undefined) assert.equal(refusal, undefined)
      else assert.match(refusal ?? 'libvirt accepted it', /error: /)
    })
  }

  void it('names the /16 blocks, libvirt\'s limit and a range that fits, at the subnet when both ends are defaults', () => {
    const [issue] = dhcpRangeIssues(net('10.0.0.0/8'), ['clusters', 'cloud'], locator)
    assert.equal(issue?.path, 'clusters.cloud.network.subnet')
    assert.equal(issue.message, 'subnet 10.0.0.0/8 gets the default DHCP range 10.0.0.10-10.255.255.254, which crosses from 10.0.0.0/16 into 10.255.0.0/16; libvirt takes only a range whose first two numbers are the same ("range ... is too large (> 65535)")')
    assert.equal(issue.fix, 'use a subnet of /16 or smaller (e.g. 10.0.0.0/16), or set dhcp_start and dhcp_end inside one /16 block (e.g. 10.0.0.10-10.0.255.255)')
  })

  void it('leaves a subnet with host bits to core (no second issue)', () => {
    assert.deepEqual(dhcpRangeIssues(net('10.0.0.1/8'), ['clusters', 'hpc'], locator), [])
  })
})
