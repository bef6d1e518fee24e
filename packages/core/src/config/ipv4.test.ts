import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {cidrContains, cidrsOverlap, formatCidr, formatIpv4, parseCidr, parseIpv4} from './ipv4.js'

void describe('ipv4', () => {
  void it('parses strict dotted decimal only', () => {
    assert.equal(parseIpv4('192.168.100.10'), 0xc0a8640a)
    assert.equal(formatIpv4(0xc0a8640a), '192.168.100.10')
    for (const bad of ['192.168.100.010', '256.1.1.1', '1.2.3', '1.2.3.4.5', '1.2.3.-4', ' 1.2.3.4', '1.2.3.4 ', 'a.b.c.d', '']) {
      assert.equal(parseIpv4(bad), undefined, bad)
    }
  })

  void it('parses CIDR networks with their network and broadcast addresses', () => {
    const cidr = parseCidr('192.168.100.5/24') ?? assert.fail()
    assert.equal(formatCidr(cidr), '192.168.100.0/24')
    assert.equal(formatIpv4(cidr.broadcast), '192.168.100.255')
    assert.notEqual(cidr.address, cidr.network)
    assert.equal(parseCidr('10.0.0.0/33'), undefined)
    assert.equal(parseCidr('10.0.0.0/08'), undefined)
    assert.equal(parseCidr('10.0.0.0'), undefined)
  })

  void it('tells containment and overlap', () => {
    const a = parseCidr('192.168.100.0/24') ?? assert.fail()
    const b = parseCidr('192.168.100.128/25') ?? assert.fail()
    const c = parseCidr('192.168.101.0/24') ?? assert.fail()
    assert.ok(cidrContains(a, parseIpv4('192.168.100.255') ?? 0))
    assert.ok(!cidrContains(a, parseIpv4('192.168.101.0') ?? 0))
    assert.ok(cidrsOverlap(a, b) && cidrsOverlap(b, a))
    assert.ok(!cidrsOverlap(a, c))
  })
})
