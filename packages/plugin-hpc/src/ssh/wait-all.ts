/**
 * Waits for many nodes at once, at most `concurrency` connections in flight. Resolves when every
 * node is ready; otherwise rejects with one error naming every node that was not.
 */
import {AiHowError, isAiHowError} from '@ai-how/core'
import {waitForSsh} from './wait.js'
import type {SshReady, WaitForSshOptions} from './wait.js'

export interface WaitForAllOptions {
  /** Nodes probed at the same time (default 8). */
  concurrency?: number
  signal?: AbortSignal
  /** Stop waiting for the others as soon as one node fails (default false: report every node). */
  failFast?: boolean
}

export async function waitForAll(nodes: readonly WaitForSshOptions[], options: WaitForAllOptions = {}): Promise<SshReady[]> {
  const concurrency = Math.max(1, options.concurrency ?? 8)
  const stop = new AbortController()
  const signals = (node: WaitForSshOptions): AbortSignal =>
    AbortSignal.any([stop.signal, ...[options.signal, node.signal].filter((s) => s !== undefined)])
  const results: (SshReady | undefined)[] = new Array<SshReady | undefined>(nodes.length)
  const failures: {index: number; node: WaitForSshOptions; error: unknown}[] = []
  let next = 0
  const stopped = (): boolean => stop.signal.aborted
  const worker = async (): Promise<void> => {
    while (next < nodes.length && !stopped()) {
      const index = next++
      const node = nodes[index]
      if (node === undefined) continue
      try {
        results[index] = await waitForSsh({...node, signal: signals(node)})
      } catch (error) {
        if (stopped() && failures.length > 0) continue
        failures.push({index, node, error})
        if (options.failFast === true) stop.abort(error)
      }
    }
  }
  await Promise.all(Array.from({length: Math.min(concurrency, nodes.length)}, worker))
  options.signal?.throwIfAborted()
  if (failures.length === 0) return results.filter((r) => r !== undefined)
  throw combine(failures.sort((a, b) => a.index - b.index), nodes.length)
}

function combine(failures: {node: WaitForSshOptions; error: unknown}[], total: number): unknown {
  const [first] = failures
  if (failures.length === 1 && first !== undefined) return first.error
  const codes = new Set(failures.map((f) => (isAiHowError(f.error) ? f.error.code : 'SSH_NOT_READY')))
  const [onlyCode] = codes
  const lines = failures.map((f) => `${f.node.hostAlias ?? f.node.host}: ${f.error instanceof Error ? f.error.message : String(f.error)}`)
  const actions = [...new Set(failures.flatMap((f) => (isAiHowError(f.error) ? f.error.actions : [])))]
  return new AiHowError(`${failures.length} of ${total} nodes are not ready over SSH:\n  ${lines.join('\n  ')}`, {
    code: codes.size === 1 && onlyCode !== undefined ? onlyCode : 'SSH_NOT_READY',
    actions,
    details: {failures: failures.map((f) => ({host: f.node.host, alias: f.node.hostAlias, error: isAiHowError(f.error) ? {code: f.error.code, details: f.error.details} : String(f.error)}))},
  })
}
