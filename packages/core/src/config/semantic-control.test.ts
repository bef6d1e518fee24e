import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {KINDS, brief, loadIssues, twoClusters, writeConfig} from './fixtures/kinds.test.js'
import {loadConfig} from './load.js'

void describe('control characters in config values', () => {
  void it('rejects each one at its value, naming the character and its place, with the fix', async () => {
    const lines = twoClusters()
    lines[9] = '      bridge: "vir\\tbr100"' // a YAML escape: a real tab in the value
    lines[11] = '      - name: "a\\x85"' // U+0085 (NEL), a line break for Python's splitlines()
    lines[21] = '      - name: "b1\\n[all:vars]"'
    const issues = await loadIssues(['global:', '  libvirt_uri: "qemu:///system\\u2028"', ...lines])
    assert.deepEqual(brief(issues), [
      '2:16 global.libvirt_uri value.control-character',
      '12:15 clusters.alpha.network.bridge value.control-character',
      '14:15 clusters.alpha.nodes[0].name value.control-character',
      '24:15 clusters.beta.nodes[0].name value.control-character',
    ])
    assert.equal(issues[0]?.message, 'the value "qemu:///system\\u2028" contains U+2028 (line separator) at character 15')
    assert.equal(issues[1]?.message, 'the value "vir\\tbr100" contains U+0009 (tab) at character 4')
    assert.equal(issues[2]?.message, 'the value "a\\u0085" contains U+0085 (next line) at character 2')
    assert.equal(issues[3]?.message, 'the value "b1\\n[all:vars]" contains U+000A (line feed) at character 3')
    assert.equal(issues[3].fix, 'Remove it; ai-how passes this value to Ansible inventories, libvirt XML and kernel command lines, where it would start a new line')
  })

  void it('catches a variable that expands to a line break, at the value that uses it', async () => {
    const lines = twoClusters()
    lines[9] = '      bridge: br-${SUFFIX}'
    assert.deepEqual(brief(await loadIssues(lines, {SUFFIX: 'x\ny'})), ['10:15 clusters.alpha.network.bridge value.control-character'])
  })

  void it('points at the anchor a merged value comes from, and checks keys', async () => {
    const lines = twoClusters()
    lines[7] = '    network: &net'
    lines[9] = '      bridge: "virbr\\r100"'
    lines[18] = '      <<: *net'
    lines[19] = '      subnet: 192.168.200.0/24'
    lines.push('    "x\\by": 1')
    const issues = await loadIssues(lines)
    assert.deepEqual(brief(issues), [
      '10:15 clusters.alpha.network.bridge value.control-character',
      '10:15 clusters.beta.network.bridge value.control-character',
      '26:5 clusters.beta["x\\u0008y"] value.control-character',
      '26:5 clusters.beta["x\\u0008y"] schema.unknown-key',
    ])
    assert.equal(issues[2]?.message, 'the key "x\\u0008y" contains U+0008 (backspace) at character 2')
  })

  void it('leaves metadata alone: a multi-line description is fine', async () => {
    const lines = twoClusters()
    lines.splice(3, 1, '  description: |', '    two fixture clusters,', '    on two lines')
    const loaded = await loadConfig(writeConfig(lines), KINDS, {})
    assert.equal(loaded.config.metadata.description, 'two fixture clusters,\non two lines\n')
  })
})
