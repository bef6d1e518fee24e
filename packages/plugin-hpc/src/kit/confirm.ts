/**
 * The destroy confirmation of every kind: a prompt on a terminal (yes removes; anything else keeps
 * everything, and the command exits 0), a refusal (exit 2) that names --force when there is no
 * terminal or the output is JSON.
 */
import {createInterface} from 'node:readline/promises'
import {UsageError} from '@ai-how/core'

export interface ConfirmInput {
  kind: string
  cluster: string
  force: boolean
  json: boolean
  /** Default: process.stdin / process.stderr. */
  input?: NodeJS.ReadableStream & {isTTY?: boolean}
  output?: NodeJS.WritableStream
}

async function ask(question: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<boolean> {
  const rl = createInterface({input, output})
  try {
    return /^(y|yes)$/i.test((await rl.question(question)).trim())
  } finally {
    rl.close()
  }
}

/** True to go on; false when the user declined. Throws DESTROY_NOT_CONFIRMED (exit 2) when nobody can be asked. */
export async function confirmDestroy(c: ConfirmInput): Promise<boolean> {
  if (c.force) return true
  const input = c.input ?? process.stdin
  if (input.isTTY !== true || c.json) {
    throw new UsageError(`refusing to destroy ${c.kind} cluster ${c.cluster} without confirmation`, {
      code: 'DESTROY_NOT_CONFIRMED',
      actions: [`Pass --force to destroy without a prompt (needed in scripts and with --json): ai-how ${c.kind} destroy CONFIG --force`],
    })
  }
  return ask(`Destroy ${c.kind} cluster ${c.cluster} and everything ai-how created for it? [y/N] `, input, c.output ?? process.stderr)
}
