/** The parts of a ClusterDescription every VM cluster kind fills the same way. */
import type {AiHowConfig, ClusterDescription, LoadedConfig, YamlPath} from '@ai-how/core'
import type {ClusterCommonConfig} from '../types.js'
import {describeNetwork} from './network.js'

export const DEFAULT_LIBVIRT_URI = 'qemu:///system'

/** Cluster libvirt_uri, then global.libvirt_uri, then $LIBVIRT_DEFAULT_URI, then qemu:///system. */
export function resolveLibvirtUri(
  clusterUri: string | undefined,
  config: Pick<AiHowConfig, 'global'>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const globalUri = config.global?.libvirt_uri
  const envUri = env.LIBVIRT_DEFAULT_URI
  return clusterUri ?? (typeof globalUri === 'string' ? globalUri : undefined) ?? (envUri === undefined || envUri === '' ? DEFAULT_LIBVIRT_URI : envUri)
}

export function clusterPath(kind: string): YamlPath {
  return ['clusters', kind]
}

/** kind, name, network and libvirt URI of a cluster; the caller adds its nodes. */
export function describeClusterShell(
  kind: string,
  cluster: ClusterCommonConfig,
  loaded: Pick<LoadedConfig, 'config'>,
): Omit<ClusterDescription, 'nodes'> {
  const base = clusterPath(kind)
  return {
    kind,
    name: cluster.name,
    namePath: [...base, 'name'],
    network: describeNetwork(cluster.network, base),
    libvirtUri: resolveLibvirtUri(cluster.libvirt_uri, loaded.config),
    enableKvm: cluster.hardware?.acceleration?.enable_kvm ?? true,
  }
}
