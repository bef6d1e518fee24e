/**
 * Kubespray settings of a cloud cluster, from `kubernetes_config`, as Ansible group vars of
 * k8s_cluster (`group_vars/k8s_cluster.yml` next to the inventory file).
 *
 * Variable names checked against Kubespray's inventory/sample/group_vars/k8s_cluster/
 * (k8s-cluster.yml, addons.yml) and roles/kubespray_defaults:
 * - kube_network_plugin: the CNI (calico, cilium, flannel, kube-ovn, kube-router, macvlan, ...).
 * - kube_version: without a leading 'v' since Kubespray 2.28 (it looks the version up in its
 *   checksum tables and asserts that no leading 'v' is left).
 * - ingress_nginx_enabled: Kubespray's ingress-nginx addon, present up to Kubespray 2.30 (removed
 *   in 2.31); ai_how_ingress names the ingress in every case, for the deploy playbook.
 * - local_path_provisioner_enabled / local_path_provisioner_storage_class: Rancher's local-path
 *   provisioner addon (a default storage class); ai_how_storage_class names the class in every case.
 * Kubespray's own `cluster_name` is the cluster DNS domain (cluster.local), so the ai-how cluster
 * name goes into ai_how_cluster_name instead.
 */
import {AiHowError, EXIT_USAGE} from '@ai-how/core'
import type {InventoryValue} from '@ai-how/core'
import {assertInventoryValue} from '@ai-how/plugin-hpc'
import type {CloudClusterConfig, KubernetesConfig} from '../kind/types.js'

export const CLUSTER_GROUP_VARS_FILE = 'k8s_cluster.yml'
export const LOCAL_PATH_STORAGE_CLASS = 'local-path'
export const NGINX_INGRESS = 'nginx'

/** `kubernetes_config.version` ("1.30.4" or "v1.30.4"), when the config gives one. */
function configuredVersion(kubernetes: KubernetesConfig): string | undefined {
  const value = (kubernetes as unknown as {version?: unknown}).version
  if (value === undefined || value === null) return undefined
  // YAML reads an unquoted 1.30 as a number.
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** The version as Kubespray wants it: MAJOR.MINOR.PATCH without a leading 'v'. */
export function kubesprayVersion(version: string): string {
  const match = /^[vV]?(\d+\.\d+\.\d+)$/.exec(version.trim())
  if (!match?.[1]) {
    throw new AiHowError(`kubernetes_config.version ${JSON.stringify(version)} is not a Kubernetes release such as 1.30.4.`, {
      code: 'KUBERNETES_VERSION_INVALID',
      exitCode: EXIT_USAGE,
      actions: ['Write kubernetes_config.version as MAJOR.MINOR.PATCH (e.g. 1.30.4), a release that your Kubespray checkout supports.'],
    })
  }
  return match[1]
}

/** The group vars of k8s_cluster for this cluster, in a stable order. */
export function cloudGroupVars(section: CloudClusterConfig): Record<string, InventoryValue> {
  const k8s = section.kubernetes_config
  const vars: Record<string, InventoryValue> = {
    ai_how_cluster_name: section.name,
    kube_network_plugin: k8s.cni,
  }
  const version = configuredVersion(k8s)
  if (version !== undefined) vars.kube_version = kubesprayVersion(version)
  vars.ai_how_ingress = k8s.ingress
  if (k8s.ingress === NGINX_INGRESS) vars.ingress_nginx_enabled = true
  vars.ai_how_storage_class = k8s.storage_class
  if (k8s.storage_class === LOCAL_PATH_STORAGE_CLASS) {
    vars.local_path_provisioner_enabled = true
    vars.local_path_provisioner_storage_class = k8s.storage_class
  }
  for (const [key, value] of Object.entries(vars)) assertInventoryValue(`kubernetes_config: ${key}`, value, ['Fix kubernetes_config in the config.'])
  return vars
}

/** YAML 1.1 words that PyYAML would not read back as a plain string. */
const YAML11_SPECIAL = /^(?:y|n|yes|no|on|off|true|false|null|~)$/i

function yamlScalar(value: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_./-]*$/.test(value) && !YAML11_SPECIAL.test(value)) return value
  // A JSON string is a valid YAML double-quoted scalar.
  return JSON.stringify(value)
}

function yamlValue(value: InventoryValue): string {
  if (value === null) return 'null'
  if (typeof value === 'boolean' || typeof value === 'number') return String(value)
  if (typeof value === 'string') return yamlScalar(value)
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(', ')}]`
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}: ${yamlValue(v)}`)
    .join(', ')}}`
}

/** The text of group_vars/k8s_cluster.yml: one `key: value` line per variable. */
export function renderGroupVars(vars: Record<string, InventoryValue>): string {
  for (const [key, value] of Object.entries(vars)) assertInventoryValue(key, value, [])
  const name = vars.ai_how_cluster_name
  const about = typeof name === 'string' ? ` of cloud cluster ${name}` : ''
  const lines = ['---', `# Kubespray settings${about}, written by ai-how from kubernetes_config: edits are overwritten.`]
  for (const [key, value] of Object.entries(vars)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`invalid Ansible variable name ${JSON.stringify(key)}`)
    lines.push(`${key}: ${yamlValue(value)}`)
  }
  return `${lines.join('\n')}\n`
}

/** cloudGroupVars as the text of group_vars/k8s_cluster.yml. */
export function cloudGroupVarsYaml(section: CloudClusterConfig): string {
  return renderGroupVars(cloudGroupVars(section))
}
