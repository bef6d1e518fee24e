import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {parseDhcpLeases, parseDomainState, parseDomifaddr, parseInfo, parseUuidNames, parseVolumes} from './tables.js'

void describe('virsh table parsers (outputs of virsh 9.0 with -q)', () => {
  void it('maps every domstate word, and no output to absent', () => {
    const words = ['running', 'idle', 'paused', 'in shutdown', 'shut off', 'crashed', 'pmsuspended', 'no state', '']
    assert.deepEqual(
      words.map((w) => parseDomainState(`${w}\n`)),
      ['running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended', 'nostate', 'absent'],
    )
  })

  void it('reads "UUID NAME" lines, names with spaces included', () => {
    const text = '6695eb01-f6a4-8304-79aa-97f2502e193f test\n6F0C1F6E-3C1A-4A53-9B1E-000000000009 foreign vm\n\n'
    assert.deepEqual(parseUuidNames(text), [
      {uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f', name: 'test'},
      {uuid: '6f0c1f6e-3c1a-4a53-9b1e-000000000009', name: 'foreign vm'},
    ])
  })

  void it('reads domifaddr, carrying the MAC over continuation lines and keeping IPv4 only', () => {
    // First line recorded from the test driver; the continuation lines are how virsh prints a second address of one interface.
    const text = [
      ' testnet0   52:54:00:11:22:33    ipv4         192.168.122.23/24',
      ' -          -                    ipv6         fe80::5054:ff:fe11:2233/64',
      ' -          -                    ipv4         10.1.0.5/16',
      ' lo         00:00:00:00:00:00    ipv4         127.0.0.1/8',
    ].join('\n')
    assert.deepEqual(parseDomifaddr(text, 'agent'), [
      {ip: '192.168.122.23', prefix: 24, mac: '52:54:00:11:22:33', source: 'agent'},
      {ip: '10.1.0.5', prefix: 16, mac: '52:54:00:11:22:33', source: 'agent'},
      {ip: '127.0.0.1', prefix: 8, mac: '00:00:00:00:00:00', source: 'agent'},
    ])
  })

  void it('reads net-dhcp-leases rows (expiry date and time are two columns; "-" hostname is none)', () => {
    const text = [
      ' 2024-05-02 10:11:12   52:54:00:DE:00:01   ipv4       192.168.150.10/24   demo-controller   ff:56:50:4d:98:00:02:00:00:ab:11:86:0c:01:8e:74:3e:a4:5c',
      ' 2024-05-02 10:11:40   52:54:00:de:00:02   ipv4       192.168.150.11/24   -                 01:52:54:00:de:00:02',
      ' 2024-05-02 10:12:00   52:54:00:de:00:03   ipv6       fd00::11/64         demo-compute-02   -',
    ].join('\n')
    assert.deepEqual(parseDhcpLeases(text), [
      {mac: '52:54:00:de:00:01', ip: '192.168.150.10', prefix: 24, hostname: 'demo-controller'},
      {mac: '52:54:00:de:00:02', ip: '192.168.150.11', prefix: 24, hostname: undefined},
    ])
  })

  void it('reads vol-list rows, splitting the name from the path at the path', () => {
    const text = ' demo-base.qcow2         /var/lib/libvirt/images/demo/demo-base.qcow2\n disk with spaces.img   /srv/images/disk with spaces.img\n'
    assert.deepEqual(parseVolumes(text), [
      {name: 'demo-base.qcow2', path: '/var/lib/libvirt/images/demo/demo-base.qcow2'},
      {name: 'disk with spaces.img', path: '/srv/images/disk with spaces.img'},
    ])
  })

  void it('reads "Key: value" info blocks', () => {
    const info = parseInfo('Name:           c-network\nUUID:           3cde9331-fd96-4214-8d6e-21f0138b7c5c\nActive:         yes\nBridge:         br-c')
    assert.equal(info.get('Active'), 'yes')
    assert.equal(info.get('Bridge'), 'br-c')
  })
})
