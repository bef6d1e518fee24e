/** Positions in the YAML source: from a YAML path to file:line:column, and the dotted form of a path. */
import type {Document, LineCounter, Node as YamlNode, Pair, YAMLMap} from 'yaml'
import {isAlias, isMap, isScalar, isSeq} from 'yaml'
import type {SourceLocator, YamlPath} from '../contracts/config.js'
import {printable} from '../text/control-characters.js'

const SIMPLE_KEY = /^[A-Za-z_][\w-]*$/

/** `clusters.hpc.compute_nodes[1].ip` */
export function formatPath(path: YamlPath): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (SIMPLE_KEY.test(segment)) out += out === '' ? segment : `.${segment}`
    else out += `[${printable(segment, Infinity)}]`
  }
  return out === '' ? '(root)' : out
}

/** A JSON pointer (ajv `instancePath`) as a YAML path; digit-only segments become numbers. */
export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => {
      const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~')
      return /^(?:0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment
    })
}

/** True when `path` is `prefix` or lies below it. */
export function isUnder(path: YamlPath, prefix: YamlPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => String(segment) === String(path[i]))
}

interface Step {
  node: unknown
  pair?: Pair
}

/** `<<` of a merge (`<<: *defaults`): the yaml library keeps its key as a symbol. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol' && key.value.description === '<<'
}

/** The pair of `segment` in `map`: its own key first, then the maps it merges, in order (YAML's precedence). */
function pairIn(doc: Document, map: YAMLMap, segment: string | number, depth = 0): Pair | undefined {
  const own = map.items.find((p) => !isMergeKey(p.key) && String(isScalar(p.key) ? p.key.value : p.key) === String(segment))
  if (own !== undefined || depth > 32) return own
  for (const merge of map.items.filter((p) => isMergeKey(p.key))) {
    const value = isAlias(merge.value) ? merge.value.resolve(doc) : merge.value
    const sources = isSeq(value) ? value.items.map((i) => (isAlias(i) ? i.resolve(doc) : i)) : [value]
    for (const source of sources) {
      const found = isMap(source) ? pairIn(doc, source, segment, depth + 1) : undefined
      if (found !== undefined) return found
    }
  }
  return undefined
}

function child(doc: Document, node: unknown, segment: string | number): Step | undefined {
  const target = isAlias(node) ? node.resolve(doc) : node
  if (isSeq(target) && typeof segment === 'number') {
    return segment < target.items.length ? {node: target.items[segment]} : undefined
  }
  if (isMap(target)) {
    const pair = pairIn(doc, target, segment)
    return pair ? {node: pair.value, pair} : undefined
  }
  return undefined
}

function startOf(node: unknown): number | undefined {
  if (!node || typeof node !== 'object' || !('range' in node)) return undefined
  const range = (node as YamlNode).range
  if (!range) return undefined
  // An empty value (`key:` with nothing after it) has an empty range: use the key instead.
  if (isScalar(node) && node.value === null && range[0] === range[1]) return undefined
  return range[0]
}

/** A locator over a parsed document. Paths that do not exist resolve to their nearest existing ancestor. */
export function createLocator(doc: Document, lineCounter: LineCounter, file: string): SourceLocator {
  return {
    file,
    locate(path, options = {}) {
      let offset = startOf(doc.contents) ?? 0
      let node: unknown = doc.contents
      for (const [i, segment] of path.entries()) {
        const step = child(doc, node, segment)
        if (!step) break
        const last = i === path.length - 1
        const keyStart = step.pair ? startOf(step.pair.key) : undefined
        const valueStart = startOf(step.node)
        const chosen = (last && options.key) || valueStart === undefined ? (keyStart ?? valueStart) : valueStart
        if (chosen !== undefined) offset = chosen
        node = step.node
      }
      const pos = lineCounter.linePos(offset)
      return {line: pos.line, column: pos.col}
    },
  }
}
