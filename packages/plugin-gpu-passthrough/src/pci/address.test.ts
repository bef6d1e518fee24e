import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {canonicalPciAddress, comparePciAddresses, isPciAddress, parsePciAddress, physicalDeviceOf} from './address.js'

void describe('PCI addresses', () => {
  void it('accepts DDDD:BB:SS.F and canonicalises it to lower case', () => {
    assert.equal(canonicalPciAddress(' 0000:0A:1F.7 '), '0000:0a:1f.7')
    assert.deepEqual(parsePciAddress('0001:0a:1f.7'), {domain: 1, bus: 10, slot: 31, fn: 7})
  })

  void it('rejects slots above 0x1f, functions above 7, short forms and anything that could escape a path or an attribute', () => {
    for (const bad of ['0000:01:20.0', '0000:01:00.8', '01:00.0', '0000:01:00', '../../../etc', "0000:01:00.0' x='y", '0000:01:00.0/']) {
      assert.equal(canonicalPciAddress(bad), undefined, bad)
      assert.equal(isPciAddress(bad), false, bad)
    }
    assert.throws(() => parsePciAddress('0000:01:00.8'), TypeError)
  })

  void it('groups functions by physical device and sorts numerically', () => {
    assert.equal(physicalDeviceOf('0000:01:00.1'), '0000:01:00')
    assert.deepEqual(['0000:0a:00.0', '0000:01:00.1', '0000:01:00.0'].sort(comparePciAddresses), ['0000:01:00.0', '0000:01:00.1', '0000:0a:00.0'])
  })
})
