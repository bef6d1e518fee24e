/** Config files with a `clusters.demo` section (the kind of test/fixtures/plugin-demo). */

const header = `version: "1.0"
metadata:
  name: demo-test
  description: a cluster of a third-party kind
clusters:
`

export const goodDemoConfig = `${header}  demo:
    name: demo-one
    network:
      subnet: 192.168.150.0/24
      bridge: virbr150
    nodes:
      - ip: 192.168.150.10
        cpu_cores: 2
        memory_gb: 4
        disk_gb: 20
      - ip: 192.168.150.11
        cpu_cores: 2
        memory_gb: 4
        disk_gb: 20
`

/** Three mistakes, each only the demo kind's schema can see. */
export const badDemoConfig = `${header}  demo:
    name: Demo_One
    network:
      subnet: 192.168.150.0/24
      bridge: virbr150
    nodes:
      - ip: 192.168.150.10
        cpu_cores: 2
        memory_gb: 4
        disk_gb: 20
        gpu: true
      - ip: 192.168.150.11
        cpu_cores: 2
        memory_gb: lots
        disk_gb: 20
`

/** The mistakes of badDemoConfig: the YAML path each must be reported at, and the text of its line. */
export const badDemoFields = [
  {path: 'clusters.demo.name', line: 'name: Demo_One'},
  {path: 'clusters.demo.nodes[0].gpu', line: 'gpu: true'},
  {path: 'clusters.demo.nodes[1].memory_gb', line: 'memory_gb: lots'},
] as const

/** 1-based number of the line of `text` that contains `needle`. */
export function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle))
  if (index < 0) throw new Error(`"${needle}" is not in the config`)
  return index + 1
}
