/**
 * A bound on YAML alias expansion ("billion laughs": nine anchors of nine aliases each expand 100
 * bytes to 387 million values). Counts, without expanding anything, how many values the aliases
 * add to the document, and reports the alias at which the count passes MAX_ALIAS_VALUES.
 */
import type {Alias, Document, LineCounter, Node as YamlNode} from 'yaml'
import {isAlias, isMap, isPair, isSeq, visit} from 'yaml'
import type {ConfigIssue} from '../contracts/config.js'

/** A cluster config holds a few hundred values; aliases may add at most this many. */
export const MAX_ALIAS_VALUES = 100_000

/** Every alias of `doc` in document order, with the node it stands for (the last anchor of that name before it). */
function aliasTargets(doc: Document): Map<Alias, YamlNode | undefined> {
  const anchors = new Map<string, YamlNode>()
  const targets = new Map<Alias, YamlNode | undefined>()
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) targets.set(node, anchors.get(node.source))
      else if (node.anchor !== undefined) anchors.set(node.anchor, node)
    },
  })
  return targets
}

/** Number of values `node` stands for once every alias in it is expanded (memoised; a cycle counts as infinite). */
function expandedSize(node: unknown, targets: Map<Alias, YamlNode | undefined>, memo: Map<unknown, number>): number {
  const known = memo.get(node)
  if (known !== undefined) return known
  memo.set(node, Infinity)
  let size = 1
  if (isAlias(node)) {
    const target = targets.get(node)
    size = target === undefined ? 1 : expandedSize(target, targets, memo)
  } else if (isMap(node)) {
    for (const pair of node.items) size += expandedSize(pair.key, targets, memo) + expandedSize(pair.value, targets, memo)
  } else if (isSeq(node)) {
    for (const item of node.items) size += expandedSize(item, targets, memo)
  } else if (isPair(node)) {
    size = expandedSize(node.key, targets, memo) + expandedSize(node.value, targets, memo)
  }
  memo.set(node, size)
  return size
}

/** The `yaml.alias-bomb` error at the alias where the expansion passes MAX_ALIAS_VALUES, or undefined. */
export function aliasExpansionIssue(doc: Document, lineCounter: LineCounter, file: string): ConfigIssue | undefined {
  const targets = aliasTargets(doc)
  const memo = new Map<unknown, number>()
  let total = 0
  for (const [alias, target] of targets) {
    total += target === undefined ? 1 : expandedSize(target, targets, memo)
    if (total <= MAX_ALIAS_VALUES) continue
    const pos = lineCounter.linePos(alias.range?.[0] ?? 0)
    const reach = Number.isFinite(total) ? `they reach ${total} values` : 'they refer to themselves (endless)'
    return {
      severity: 'error',
      code: 'yaml.alias-bomb',
      file,
      line: pos.line,
      column: pos.col,
      path: '(yaml)',
      message: `aliases expand the document beyond ${MAX_ALIAS_VALUES} values: with *${alias.source} here ${reach}`,
      fix: `write the values out, or use fewer and smaller aliases: ai-how expands at most ${MAX_ALIAS_VALUES} values through aliases (a guard against "billion laughs" files)`,
    }
  }
  return undefined
}
