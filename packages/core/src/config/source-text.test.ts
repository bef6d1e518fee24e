import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'
import type {ConfigIssue} from '../contracts/config.js'
import {MAX_CONFIG_BYTES, findInvalidUtf8, readConfigText} from './source-text.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'ai-how-source-text-'))

function strictlyDecodes(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', {fatal: true}).decode(bytes)
    return true
  } catch {
    return false
  }
}

/** The issues of the ConfigError readConfigText throws for `file`. */
async function refusal(file: string): Promise<string[]> {
  try {
    await readConfigText(file, path.basename(file))
  } catch (error) {
    const issues = (error as {details?: ConfigIssue[]}).details ?? []
    assert.equal((error as {exitCode?: number}).exitCode, 2)
    return issues.map((i) => `${i.line}:${i.column} ${i.code} ${i.message}`)
  }
  return ['(read)']
}

void describe('findInvalidUtf8', () => {
  void it('agrees with a strict TextDecoder on every 1- and 2-byte sequence and on 3- and 4-byte sequences around each bound', () => {
    const samples: number[][] = []
    for (let a = 0; a < 256; a++) {
      samples.push([a])
      for (let b = 0; b < 256; b++) samples.push([a, b])
    }
    const edges = [0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff]
    for (let lead = 0xe0; lead <= 0xf7; lead++) {
      for (const b of edges) for (const c of edges) samples.push([lead, b, c], [lead, b, c, 0x80], [lead, b, c, 0xbf], [lead, b, c, 0x41])
    }
    for (const sample of samples) {
      const bytes = Uint8Array.from(sample)
      assert.equal(findInvalidUtf8(bytes) === undefined, strictlyDecodes(bytes), `bytes ${sample.map((x) => x.toString(16)).join(' ')}`)
    }
  })

  void it('gives the offset of the sequence that fails, with its bytes', () => {
    assert.deepEqual(findInvalidUtf8(Buffer.from('café ✓ ok', 'utf8')), undefined)
    assert.deepEqual(findInvalidUtf8(Buffer.from([0x61, 0x62, 0xe9, 0x64])), {offset: 2, bytes: [0xe9, 0x64], truncated: false})
    assert.deepEqual(findInvalidUtf8(Buffer.from([0xc3, 0xa9, 0xed, 0xa0, 0x80])), {offset: 2, bytes: [0xed, 0xa0], truncated: false})
    assert.deepEqual(findInvalidUtf8(Buffer.from([0x61, 0xf0, 0x9f, 0x9a])), {offset: 1, bytes: [0xf0, 0x9f, 0x9a], truncated: true})
    assert.deepEqual(findInvalidUtf8(Buffer.from([0x61, 0x80])), {offset: 1, bytes: [0x80], truncated: false})
  })
})

void describe('readConfigText', () => {
  void it('reads a UTF-8 file of exactly 1 MiB, and refuses one byte more, naming both sizes', async () => {
    const file = path.join(dir, 'big.yaml')
    writeFileSync(file, `a: ${'é'.repeat((MAX_CONFIG_BYTES - 4) / 2)}\n`)
    assert.equal((await readConfigText(file, 'big.yaml')).length, 3 + (MAX_CONFIG_BYTES - 4) / 2 + 1)
    writeFileSync(file, `a: ${'é'.repeat((MAX_CONFIG_BYTES - 4) / 2)}\n\n`)
    assert.deepEqual(await refusal(file), ['1:1 file.too-large the file is 1048577 bytes; ai-how reads config files of at most 1 MiB (1048576 bytes)'])
  })

  void it('refuses invalid UTF-8 at its line, column and byte offset instead of replacing it', async () => {
    const file = path.join(dir, 'latin1.yaml')
    writeFileSync(file, Buffer.concat([Buffer.from('a: ✓\nb: caf', 'utf8'), Buffer.from([0xe9]), Buffer.from('\n')]))
    assert.deepEqual(await refusal(file), ['2:7 file.not-utf8 the file is not valid UTF-8 at byte offset 13: byte 0xe9 starts a 3-byte character, but 0x0a cannot follow it'])
    writeFileSync(file, Buffer.from([0x61, 0x3a, 0x20, 0xe2, 0x9c]))
    assert.deepEqual(await refusal(file), ['1:4 file.not-utf8 the file is not valid UTF-8 at byte offset 3: the file ends inside a character (0xe2 0x9c)'])
  })

  void it('refuses a folder, a FIFO (without waiting for a writer) and a device', async () => {
    const folder = path.join(dir, 'folder.yaml')
    mkdirSync(folder)
    assert.deepEqual(await refusal(folder), ['1:1 file.not-regular the config path is a folder'])
    const fifo = path.join(dir, 'fifo.yaml')
    execFileSync('mkfifo', [fifo])
    assert.deepEqual(await refusal(fifo), ['1:1 file.not-regular the config path is not a regular file'])
    assert.deepEqual(await refusal('/dev/zero'), ['1:1 file.not-regular the config path is not a regular file'])
  })

  void it('keeps a missing file a CONFIG_NOT_FOUND error', async () => {
    await assert.rejects(readConfigText(path.join(dir, 'missing.yaml'), 'missing.yaml'), {code: 'CONFIG_NOT_FOUND', message: 'cannot read config missing.yaml: no such file'})
  })
})
