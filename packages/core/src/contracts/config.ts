/** Types of a loaded configuration, shared by core and every cluster kind. */

/** A path inside the YAML document: keys and list indexes, e.g. ['clusters', 'hpc', 'compute_nodes', 1, 'ip']. */
export type YamlPath = readonly (string | number)[]

/** One problem found in a config file. Every error names file:line:column, the YAML path, what is wrong and the fix. */
export interface ConfigIssue {
  severity: 'error' | 'warning'
  /** Stable machine code, e.g. 'schema.required', 'ip.outside-subnet', 'gpu.duplicate'. */
  code: string
  file: string
  line: number
  column: number
  /** Dotted form of the path: clusters.hpc.compute_nodes[1].ip */
  path: string
  message: string
  fix: string
}

/** The top-level config after variable expansion (plain JSON data). */
export interface AiHowConfig {
  version: string
  metadata: {name: string; description: string; [key: string]: unknown}
  global?: {libvirt_uri?: string; [key: string]: unknown}
  clusters: Record<string, unknown>
}

/** Maps YAML paths back to positions in the source file. */
export interface SourceLocator {
  file: string
  /** Position of the node at `path` (or of its nearest existing ancestor); key: true points at the map key. */
  locate(path: YamlPath, options?: {key?: boolean}): {line: number; column: number}
}

/** A config that loaded and validated: the data, where it came from, and how to locate any path in it. */
export interface LoadedConfig {
  file: string
  /** The folder of the config file; relative paths resolve against it. */
  dir: string
  /** Nearest ancestor of `dir` holding `.git` (or `dir`). */
  tot: string
  config: AiHowConfig
  locator: SourceLocator
  /** Non-fatal findings (e.g. a GPU shared by two clusters). */
  warnings: ConfigIssue[]
}
