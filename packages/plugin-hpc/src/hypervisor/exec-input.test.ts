/** XML given as input reaches virsh's `define /dev/stdin` (a child's stdin is a socket, which /dev/stdin cannot open). */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {describe, it} from 'node:test'
import {execaExec} from './exec.js'

const skip = spawnSync('sh', ['-c', 'command -v virsh']).status === 0 ? false : 'virsh is not installed (apt-get install libvirt-clients)'

void describe('execaExec with input', {skip}, () => {
  void it('passes the input to virsh net-define /dev/stdin on a real virsh process', async () => {
    const script = "<network><name>stdin-probe</name><bridge name='virbr-probe'/></network>"
    const result = await execaExec({file: 'virsh', args: ['-c', 'test:///default', 'net-define', '/dev/stdin'], input: script, timeoutMs: 30_000})
    assert.equal(result.exitCode, 0, result.stderr)
    assert.match(result.stdout, /stdin-probe defined/)
  })
})
