/**
 * A libvirt test-driver world (`test:///<file>`) holding N domains of the hpc cluster "scale"
 * (every third one shut off), its network and its pool: real virsh, no daemon. Used by the status
 * cost test and by `npm run bench`.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {AIHOW_NS} from '../../hypervisor/ownership.js'
import {macForVm} from '../../naming/index.js'

const uuid = (n: number): string => `7b000000-0000-4000-8000-${String(n).padStart(12, '0')}`

/** Writes the world into a new temp folder; returns its URI and the folder (the caller removes it). */
export function scaleWorld(names: readonly string[]): {uri: string; dir: string} {
  const domains = names.map((name, i) => `<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>${name}</name><uuid>${uuid(i + 1)}</uuid>
  <metadata><aihow:owner xmlns:aihow='${AIHOW_NS}' cluster='scale' kind='hpc' role='compute' node='${name.replace('scale-', '')}'/></metadata>
  <memory unit='MiB'>1024</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>
  <devices><interface type='network'><mac address='${macForVm(name)}'/><source network='scale-network'/></interface></devices>
  ${(i + 1) % 3 === 0 ? '<test:runstate>5</test:runstate>' : ''}</domain>`)
  const xml = `<node>
${domains.join('\n')}
<network><name>scale-network</name><uuid>${uuid(9001)}</uuid><metadata><aihow:owner xmlns:aihow='${AIHOW_NS}' cluster='scale' kind='hpc'/></metadata>
  <bridge name='br-scale'/><ip address='10.70.0.1' netmask='255.255.255.0'/></network>
<pool type='dir'><name>scale-pool</name><uuid>${uuid(9002)}</uuid><target><path>/var/lib/libvirt/images/ai-how/scale</path></target>
  <volume><name>ai-how-owner.hpc.scale</name><capacity>0</capacity></volume></pool>
</node>`
  const dir = mkdtempSync(path.join(tmpdir(), `ai-how-status-${names.length}-`))
  const file = path.join(dir, 'node.xml')
  writeFileSync(file, xml)
  return {uri: `test://${file}`, dir}
}
