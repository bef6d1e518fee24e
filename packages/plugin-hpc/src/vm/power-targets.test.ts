/**
 * The channels of each running node at stop: the guest agent's channel read from the domain XML
 * (every domain ai-how renders has it), and the SSH target at the configured or live address with
 * the cluster key; no SSH target when the key cannot be read or no address is known.
 */
import assert from 'node:assert/strict'
import {rm} from 'node:fs/promises'
import {after, describe, it} from 'node:test'
import {clusterKeyPath} from '../ssh/keypair.js'
import {hasAgentChannel, powerTargets} from './power-targets.js'
import {ClusterManager} from './cluster-manager.js'
import {fixtureCluster, fixtureNode, makeFixture, removeFixtures} from './testing/cluster-fixture.js'

after(removeFixtures)

void describe('powerTargets', () => {
  void it('every domain the templates render has the agent channel; XML without it (or unreadable) has none', async () => {
    const f = await makeFixture(fixtureCluster('lab', 1))
    await new ClusterManager(f.spec, f.deps).start(f.run)
    const domains = [...(await f.hv.describeDomains([...f.hv.domains.keys()])).values()]
    assert.equal(domains.length, 2)
    assert.ok(domains.every((d) => hasAgentChannel(d.xml)))
    assert.equal(hasAgentChannel("<domain><devices><channel type='unix'><target type='virtio' name='org.qemu.spice.0'/></channel></devices></domain>"), false)
    assert.equal(hasAgentChannel('not xml'), false)
  })

  void it('SSH at the configured IP, or the live one of a DHCP node, with the cluster key; none without an address or a key', async () => {
    const cluster = fixtureCluster('lab', 1)
    for (const key of ['compute-02', 'compute-03']) {
      const node = fixtureNode('lab', key, 'compute', '')
      delete node.ip
      cluster.nodes.push(node)
    }
    const f = await makeFixture(cluster)
    f.hv.addresses.set('lab-compute-02', '10.50.0.123').set('lab-compute-03', '10.50.0.124')
    await new ClusterManager(f.spec, f.deps).start(f.run)
    f.hv.addresses.delete('lab-compute-03')
    const active = [...(await f.hv.describeDomains([...f.hv.domains.keys()])).values()]
    const targets = (await powerTargets(f.hv, f.spec, active)).sort((a, b) => a.name.localeCompare(b.name))
    assert.deepEqual(targets.map((t) => [t.name, t.agentChannel, t.ssh?.host, t.ssh?.hostAlias, t.ssh?.user, t.ssh?.knownHostsFile]), [
      ['lab-compute-01', true, '10.50.0.11', 'lab-compute-01', 'debian', f.spec.ssh.knownHostsFile],
      ['lab-compute-02', true, '10.50.0.123', 'lab-compute-02', 'debian', f.spec.ssh.knownHostsFile],
      ['lab-compute-03', true, undefined, undefined, undefined, undefined],
      ['lab-controller', true, '10.50.0.10', 'lab-controller', 'debian', f.spec.ssh.knownHostsFile],
    ])
    await rm(clusterKeyPath(f.spec.outputDir, 'lab'))
    assert.deepEqual((await powerTargets(f.hv, f.spec, active)).map((t) => t.ssh), [undefined, undefined, undefined, undefined])
  })
})
