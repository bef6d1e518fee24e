/**
 * The bytes of a config file as text: a regular file of at most MAX_CONFIG_BYTES, valid UTF-8
 * (never silently repaired: an invalid sequence is an error with its byte offset).
 */
import {constants} from 'node:fs'
import type {FileHandle} from 'node:fs/promises'
import {open} from 'node:fs/promises'
import type {ConfigIssue} from '../contracts/config.js'
import {ConfigError} from '../errors.js'
import {configError} from './source-error.js'

/** 1 MiB: a cluster config is a few KiB; anything larger is a mistake (or an attack), not a config. */
export const MAX_CONFIG_BYTES = 1024 * 1024

export interface Utf8Problem {
  /** Byte offset of the first byte of the invalid sequence. */
  offset: number
  /** The bytes that make it invalid (lead byte and what follows it, up to the offending byte). */
  bytes: number[]
  /** The file ends inside a character. */
  truncated: boolean
}

/** Second-byte bounds of each multi-byte lead (Unicode table 3-7: no overlong forms, surrogates or values above U+10FFFF). */
function sequenceOf(lead: number): {length: number; low: number; high: number} | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return {length: 2, low: 0x80, high: 0xbf}
  if (lead === 0xe0) return {length: 3, low: 0xa0, high: 0xbf}
  if (lead === 0xed) return {length: 3, low: 0x80, high: 0x9f}
  if (lead >= 0xe1 && lead <= 0xef) return {length: 3, low: 0x80, high: 0xbf}
  if (lead === 0xf0) return {length: 4, low: 0x90, high: 0xbf}
  if (lead === 0xf4) return {length: 4, low: 0x80, high: 0x8f}
  if (lead >= 0xf1 && lead <= 0xf3) return {length: 4, low: 0x80, high: 0xbf}
  return undefined
}

/** The first invalid UTF-8 sequence of `bytes`, or undefined when they are valid UTF-8. */
export function findInvalidUtf8(bytes: Uint8Array): Utf8Problem | undefined {
  let i = 0
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0
    if (lead < 0x80) {
      i++
      continue
    }
    const sequence = sequenceOf(lead)
    if (sequence === undefined) return {offset: i, bytes: [lead], truncated: false}
    for (let k = 1; k < sequence.length; k++) {
      const next = bytes[i + k]
      if (next === undefined) return {offset: i, bytes: [...bytes.subarray(i, i + k)], truncated: true}
      const [low, high] = k === 1 ? [sequence.low, sequence.high] : [0x80, 0xbf]
      if (next < low || next > high) return {offset: i, bytes: [...bytes.subarray(i, i + k + 1)], truncated: false}
    }
    i += sequence.length
  }
  return undefined
}

function hex(bytes: readonly number[]): string {
  return bytes.map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ')
}

function fileIssue(display: string, code: string, message: string, fix: string, line = 1, column = 1): ConfigIssue {
  return {severity: 'error', code, file: display, line, column, path: '(file)', message, fix}
}

function utf8Issue(display: string, bytes: Uint8Array, problem: Utf8Problem): ConfigIssue {
  const before = bytes.subarray(0, problem.offset)
  const lineStart = before.lastIndexOf(0x0a) + 1
  const line = before.filter((b) => b === 0x0a).length + 1
  // UTF-16 code units, as the columns of YAML errors count them.
  const column = new TextDecoder().decode(before.subarray(lineStart)).length + 1
  const [lead = 0] = problem.bytes
  const what = problem.truncated
    ? `the file ends inside a character (${hex(problem.bytes)})`
    : problem.bytes.length > 1
      ? `byte ${hex([lead])} starts a ${sequenceOf(lead)?.length ?? 0}-byte character, but ${hex(problem.bytes.slice(-1))} cannot follow it`
      : lead <= 0xbf
        ? `byte ${hex([lead])} continues a character that never started`
        : `byte ${hex([lead])} never occurs in UTF-8`
  return fileIssue(
    display,
    'file.not-utf8',
    `the file is not valid UTF-8 at byte offset ${problem.offset}: ${what}`,
    'save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8 old.yaml > new.yaml); ai-how does not guess encodings or replace bytes',
    line,
    column,
  )
}

/** Decodes UTF-8 strictly; an invalid sequence is a ConfigError (exit 2) naming its byte offset, line and column. */
export function decodeConfigText(bytes: Uint8Array, display: string): string {
  try {
    return new TextDecoder('utf-8', {fatal: true}).decode(bytes)
  } catch {
    const problem = findInvalidUtf8(bytes)
    // TextDecoder and findInvalidUtf8 follow the same table; a disagreement would be a bug here.
    if (problem === undefined) throw new Error(`TextDecoder refused ${display}, but no invalid UTF-8 sequence was found`)
    throw configError(display, [utf8Issue(display, bytes, problem)])
  }
}

function tooLarge(display: string, size: string): ConfigError {
  return configError(display, [
    fileIssue(display, 'file.too-large', `the file is ${size}; ai-how reads config files of at most 1 MiB (${MAX_CONFIG_BYTES} bytes)`, 'point ai-how at the cluster config itself (a few KiB); keep data files out of it'),
  ])
}

async function readAtMost(handle: FileHandle, limit: number): Promise<Buffer> {
  const buffer = Buffer.alloc(limit + 1)
  let filled = 0
  while (filled < buffer.length) {
    const {bytesRead} = await handle.read(buffer, filled, buffer.length - filled, filled)
    if (bytesRead === 0) break
    filled += bytesRead
  }
  return buffer.subarray(0, filled)
}

/** Reads `abs` as a config's text. Throws ConfigError: unreadable (CONFIG_NOT_FOUND), or not a regular file, too large, not UTF-8 (CONFIG_INVALID). */
export async function readConfigText(abs: string, display: string): Promise<string> {
  let handle: FileHandle
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat() below refuses it.
    handle = await open(abs, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
    throw new ConfigError(`cannot read config ${display}: ${reason}`, {code: 'CONFIG_NOT_FOUND', cause: error, actions: ['Check the path of the config file.']})
  }
  try {
    const info = await handle.stat()
    if (!info.isFile()) {
      const kind = info.isDirectory() ? 'a folder' : 'not a regular file'
      throw configError(display, [fileIssue(display, 'file.not-regular', `the config path is ${kind}`, 'give the path of a YAML file (a regular file, not a folder, pipe or device)')])
    }
    if (info.size > MAX_CONFIG_BYTES) throw tooLarge(display, `${info.size} bytes`)
    // Read one byte more than allowed: a file that grew after stat() is caught too.
    const bytes = await readAtMost(handle, MAX_CONFIG_BYTES)
    if (bytes.length > MAX_CONFIG_BYTES) throw tooLarge(display, `more than ${MAX_CONFIG_BYTES} bytes`)
    return decodeConfigText(bytes, display)
  } finally {
    await handle.close()
  }
}
