/**
 * Test support for the config corpus: reading a corpus file's expectation header, loading a file
 * the way `ai-how validate` does (both installed kinds, no variables set) and defining a network
 * on libvirt's test driver.
 */
import {mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {execa} from 'execa'
import type {ConfigIssue, LoadedConfig} from '@ai-how/core'
import {loadConfig} from '@ai-how/core'
import {cloudClusterKind} from '@ai-how/plugin-cloud'
import {hpcClusterKind} from '@ai-how/plugin-hpc'

export const corpusDir = import.meta.dirname
export const repoRoot = path.resolve(corpusDir, '../..')
export const KINDS = [hpcClusterKind, cloudClusterKind]

/** The `.yaml` files of invalid/ or valid/, sorted. */
export function corpusFiles(kind: 'invalid' | 'valid'): string[] {
  return readdirSync(path.join(corpusDir, kind))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => path.join(corpusDir, kind, f))
}

export interface Expected {
  /** `line:column path code` */
  where: string
  message: string
  fix: string
}

/** The expectation header of an invalid/ file: `# expect: L:C path code`, `# message: ...`, `# fix: ...` (lines 2-4, ASCII or UTF-8). */
export function expectedOf(file: string): Expected {
  // latin1 keeps every byte: the header is read even from the files that are not UTF-8 further down.
  const header = readFileSync(file).toString('latin1').split('\n').slice(1, 4)
  const field = (name: string, line: string | undefined): string => {
    const prefix = `# ${name}: `
    if (line?.startsWith(prefix) !== true) throw new Error(`${file}: expected a "${prefix}..." header line, found ${JSON.stringify(line)}`)
    return Buffer.from(line.slice(prefix.length), 'latin1').toString('utf8')
  }
  return {where: field('expect', header[0]), message: field('message', header[1]), fix: field('fix', header[2])}
}

export function brief(issue: ConfigIssue): Expected {
  return {where: `${issue.line}:${issue.column} ${issue.path} ${issue.code}`, message: issue.message, fix: issue.fix}
}

/** Loads `file` as `ai-how validate` does, with no variable set; the ConfigError's issues, or the loaded config. */
export async function load(file: string): Promise<{issues: ConfigIssue[]; loaded?: LoadedConfig}> {
  try {
    return {issues: [], loaded: await loadConfig(file, KINDS, {HOME: os.homedir()}, {cwd: repoRoot})}
  } catch (error) {
    const details = (error as {details?: unknown}).details
    if (!Array.isArray(details)) throw error
    return {issues: details as ConfigIssue[]}
  }
}

/** `virsh net-define` of `xml` on a fresh test:///default driver: undefined when libvirt takes it, else its error. */
export async function libvirtRefusal(xml: string): Promise<string | undefined> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ai-how-corpus-net-')), 'network.xml')
  writeFileSync(file, xml)
  const r = await execa('virsh', ['-q', '-c', 'test:///default', 'net-define', file], {reject: false, env: {LC_ALL: 'C'}})
  return r.exitCode === 0 ? undefined : r.stderr.trim()
}
