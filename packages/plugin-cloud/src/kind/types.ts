/** Typed view of `clusters.cloud` after the schema (kind/schema.ts is the source of truth). */
import type {ClusterCommonConfig, FixedNodeConfig, ListNodeConfig} from '@ai-how/plugin-hpc'

export interface KubernetesConfig {
  cni: string
  ingress: string
  storage_class: string
  kubespray_path?: string
  playbook?: string
  /** Kubernetes version for Kubespray, e.g. 1.30.4. */
  version?: string
}

/** `clusters.cloud` */
export interface CloudClusterConfig extends ClusterCommonConfig {
  control_plane: FixedNodeConfig
  worker_nodes: ListNodeConfig[]
  kubernetes_config: KubernetesConfig
}
