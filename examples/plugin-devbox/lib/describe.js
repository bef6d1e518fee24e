// describe() and check() of the devbox kind: the kind-neutral ClusterDescription that core's checks,
// `plan`, `inventory` and the VM base layer work from, and what the schema cannot say.
import {clusterPath, describeClusterShell, dhcpRangeIssues, intToIpv4, ipv4ToInt, nodeDescriber, ordinal} from '@ai-how/plugin-hpc'

export const DEVBOX_KIND = 'devbox'
export const DEVBOX_ROLE = 'devbox'

/**
 * @typedef {import('@ai-how/plugin-hpc').ClusterCommonConfig & {count: number, first_ip: string, vm: import('@ai-how/plugin-hpc').NodeSpecConfig}} DevboxConfig
 */

/** Node key of box `i` (1-based): box-01, box-02, ... (the VM is <name>-box-NN). */
export const boxKey = (i) => `box-${ordinal(i)}`

/**
 * @param {unknown} section the `clusters.devbox` section, already valid against devboxSchema
 * @param {Omit<import('@ai-how/core').LoadedConfig, 'warnings'>} loaded
 * @returns {import('@ai-how/core').ClusterDescription}
 */
export function describeDevbox(section, loaded) {
  const devbox = /** @type {DevboxConfig} */ (section)
  const base = clusterPath(DEVBOX_KIND)
  const describeNode = nodeDescriber(devbox, base, loaded)
  const first = ipv4ToInt(devbox.first_ip)
  const nodes = Array.from({length: devbox.count}, (_, i) => {
    const node = describeNode({key: boxKey(i + 1), role: DEVBOX_ROLE, node: devbox.vm, ip: intToIpv4(first + i), path: [...base, 'vm'], ipField: 'ip'})
    // Every box's address comes from first_ip: report address problems there.
    return {...node, ipPath: [...base, 'first_ip']}
  })
  return {...describeClusterShell(DEVBOX_KIND, devbox, loaded), nodes}
}

/**
 * @param {unknown} section
 * @param {Omit<import('@ai-how/core').LoadedConfig, 'warnings'>} loaded
 * @returns {import('@ai-how/core').ConfigIssue[]}
 */
export function checkDevbox(section, loaded) {
  const devbox = /** @type {DevboxConfig} */ (section)
  return dhcpRangeIssues(devbox.network, clusterPath(DEVBOX_KIND), loaded.locator)
}
