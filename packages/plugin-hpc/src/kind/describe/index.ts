export {DEFAULT_LIBVIRT_URI, clusterPath, describeClusterShell, resolveLibvirtUri} from './cluster.js'
export {describeNetwork, firstHost, intToIpv4, ipv4ToInt} from './network.js'
export {describeDevices, isGpuNode, nodeDescriber} from './node.js'
export type {NodeDescriber, NodeInput} from './node.js'
