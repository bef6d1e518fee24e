import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {hasCode} from '@ai-how/core'
import type {ClusterDescription, NodeDescription} from '@ai-how/core'
import {macForVm} from '../naming/index.js'
import {buildNetworkView} from './network-view.js'

const node = (vmName: string, ip: string | undefined): NodeDescription => ({
  key: vmName,
  vmName,
  role: 'compute',
  ...(ip === undefined ? {} : {ip}),
  path: [],
  ipPath: [],
  cpuCores: 1,
  memoryGb: 1,
  diskGb: 10,
  devices: [],
  autoStart: true,
})
const cluster = (subnet: string, gateway?: string): ClusterDescription => ({
  kind: 'cloud',
  name: 'k8s',
  namePath: [],
  network: {subnet, bridge: 'virbr200', ...(gateway === undefined ? {} : {gateway}), path: [], subnetPath: [], bridgePath: []},
  nodes: [node('k8s-control-plane', '192.168.200.10'), node('k8s-cpu-worker-01', '192.168.200.11'), node('k8s-gpu-worker-01', undefined)],
})
const withCode = (code: string) => (error: unknown) => hasCode(error, code)

void describe('network view', () => {
  void it('uses the subnet first host as gateway and DNS forwarder (not the reference literal 192.168.100.1)', () => {
    const view = buildNetworkView(cluster('192.168.200.0/24'), {networkName: 'k8s-network'})
    assert.deepEqual([view.gateway, view.netmask, view.forwarders[0]], ['192.168.200.1', '255.255.255.0', '192.168.200.1'])
    assert.deepEqual([view.dhcpStart, view.dhcpEnd, view.domain], ['192.168.200.10', '192.168.200.254', 'k8s.local'])
  })

  void it('uses gateway_ip and dns_servers when configured', () => {
    const view = buildNetworkView(cluster('192.168.200.0/24', '192.168.200.254'), {networkName: 'k8s-network', dnsServers: ['192.168.200.254'], dhcpEnd: '192.168.200.200'})
    assert.deepEqual([view.gateway, view.forwarders, view.dhcpEnd], ['192.168.200.254', ['192.168.200.254'], '192.168.200.200'])
  })

  void it('reserves each node with a configured IP under its spec MAC', () => {
    const view = buildNetworkView(cluster('192.168.200.0/24'), {networkName: 'k8s-network'})
    assert.deepEqual(view.hosts, [
      {mac: macForVm('k8s-control-plane'), name: 'k8s-control-plane', ip: '192.168.200.10'},
      {mac: macForVm('k8s-cpu-worker-01'), name: 'k8s-cpu-worker-01', ip: '192.168.200.11'},
    ])
  })

  void it('refuses a gateway, range or node IP outside the subnet', () => {
    assert.throws(() => buildNetworkView(cluster('192.168.200.0/24', '192.168.100.1'), {networkName: 'k8s-network'}), withCode('NETWORK_ADDRESS_OUTSIDE'))
    assert.throws(() => buildNetworkView(cluster('10.1.0.0/24'), {networkName: 'k8s-network'}), withCode('NETWORK_ADDRESS_OUTSIDE'))
    assert.throws(() => buildNetworkView(cluster('192.168.200.0/24'), {networkName: 'k8s-network', dhcpStart: '192.168.200.255'}), withCode('NETWORK_ADDRESS_OUTSIDE'))
    assert.throws(() => buildNetworkView(cluster('192.168.200.0/24'), {networkName: 'k8s-network', dhcpStart: '192.168.200.90', dhcpEnd: '192.168.200.20'}), withCode('NETWORK_DHCP_RANGE_INVALID'))
  })
})
