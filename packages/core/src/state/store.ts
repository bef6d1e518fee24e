/**
 * StateStore: the one way ai-how reads and writes `output/state.json`. Reads take no lock and create
 * nothing (writes are atomic renames, so a reader sees a whole document without a lock file); `update`
 * takes the lock, re-reads the file, lets the caller mutate the document in place, writes it
 * atomically and always releases the lock. Only a regular file is read (safe-read.ts). A corrupt
 * file is refused (STATE_CORRUPT), never overwritten; `read` leaves it alone, `update` keeps a copy.
 */
import {mkdir} from 'node:fs/promises'
import path from 'node:path'
import type {Logger} from '../contracts/extensions.js'
import type {ClusterStateEntry, StateDocument} from '../contracts/state.js'
import {StateError, isAiHowError} from '../errors.js'
import {removeOrphanTemps, writeFileAtomic} from './atomic-write.js'
import {corruptStateError, withCorruptCopy} from './corrupt.js'
import {emptyStateDocument, parseStateText, serializeState, shapeProblem} from './document.js'
import {acquireLock} from './lock.js'
import {lockPathOf} from './paths.js'
import {readStateBytes, stateIoError} from './safe-read.js'

export interface StateStoreOptions {
  log?: Logger
  /** How long `update` waits for the lock before STATE_LOCKED (default 30000). */
  lockTimeoutMs?: number
  /** The command recorded in the lock, e.g. `ai-how hpc start`. */
  holder?: string
  /** Test seam: runs after the new content is durable in its temp file, before it replaces the state. */
  beforeRename?: (tempFile: string) => void | Promise<void>
}

const DEFAULT_LOCK_TIMEOUT_MS = 30_000
const STATE_KEY = /^[A-Za-z0-9][A-Za-z0-9_-]*_cluster$/

export class StateStore {
  readonly file: string
  private readonly log: Logger
  private readonly lockTimeoutMs: number
  private readonly holder: string
  private readonly beforeRename: StateStoreOptions['beforeRename']

  constructor(file: string, options: StateStoreOptions = {}) {
    this.file = path.resolve(file)
    this.log = options.log ?? stderrLogger
    this.lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS
    this.holder = options.holder ?? defaultHolder()
    this.beforeRename = options.beforeRename
  }

  /**
   * The current document (no lock, nothing written). A missing file is the empty document; a corrupt
   * one is STATE_CORRUPT (no copy: a reader never writes); a link or a non-regular file is refused.
   */
  async read(): Promise<StateDocument> {
    return (await this.load()).doc
  }

  /** Runs `mutate` on a fresh copy of the document under the lock and writes the result atomically. */
  async update<T>(mutate: (doc: StateDocument) => T | Promise<T>): Promise<T> {
    await this.ensureFolder()
    const lock = await acquireLock(lockPathOf(this.file), {holder: this.holder, timeoutMs: this.lockTimeoutMs, log: this.log, stateFile: this.file})
    try {
      const {doc, text} = await this.load().catch(async (error: unknown) => {
        throw await withCorruptCopy(error, this.file)
      })
      const result = await mutate(doc)
      const problem = shapeProblem(doc)
      if (problem !== undefined) {
        throw new StateError(`Refusing to write ${this.file}: the update left an invalid document (${problem}).`, {
          code: 'STATE_INVALID_UPDATE',
          actions: ['This is a bug in ai-how or a plugin: rerun with AI_HOW_DEBUG=1 and report it.'],
        })
      }
      const next = serializeState(doc)
      const unchanged = next === text || (text === undefined && next === serializeState(emptyStateDocument()))
      if (!unchanged) await this.write(next)
      return result
    } finally {
      await lock.release()
    }
  }

  async getEntry(stateKey: string): Promise<ClusterStateEntry | undefined> {
    checkStateKey(stateKey)
    const doc = await this.read()
    return doc[stateKey] as ClusterStateEntry | undefined
  }

  /** Sets (or, with undefined, removes) one `<kind>_cluster` entry; every other key is kept as it is. */
  async setEntry(stateKey: string, entry: ClusterStateEntry | undefined): Promise<void> {
    checkStateKey(stateKey)
    await this.update((doc) => {
      if (entry === undefined) Reflect.deleteProperty(doc, stateKey)
      else doc[stateKey] = entry
    })
  }

  private async load(): Promise<{doc: StateDocument; text: string | undefined}> {
    const bytes = await readStateBytes(this.file)
    if (bytes === undefined) return {doc: emptyStateDocument(), text: undefined}
    const text = bytes.toString('utf8')
    const parsed = parseStateText(text)
    if (parsed.ok) return {doc: parsed.doc, text}
    throw corruptStateError(this.file, parsed.problem)
  }

  private async write(text: string): Promise<void> {
    try {
      for (const orphan of await removeOrphanTemps(this.file)) this.log.debug(`removed ${orphan}, left by a writer that died`)
      const options = this.beforeRename === undefined ? {} : {beforeRename: this.beforeRename}
      await writeFileAtomic(this.file, text, options)
    } catch (error) {
      if (isAiHowError(error)) throw error
      throw stateIoError(`Cannot write state file ${this.file}`, error)
    }
  }

  private async ensureFolder(): Promise<void> {
    try {
      await mkdir(path.dirname(this.file), {recursive: true})
    } catch (error) {
      throw stateIoError(`Cannot create the folder of state file ${this.file}`, error)
    }
  }
}

function checkStateKey(stateKey: string): void {
  if (STATE_KEY.test(stateKey)) return
  throw new StateError(`"${stateKey}" is not a cluster state key (expected <kind>_cluster, e.g. hpc_cluster).`, {
    code: 'STATE_BAD_KEY',
    actions: ['This is a bug in ai-how or a plugin: use the `<kind>_cluster` key of the cluster kind.'],
  })
}

const stderrLogger: Logger = {
  info: () => undefined,
  debug: () => undefined,
  warn: (message) => {
    process.stderr.write(`Warning: ${message}\n`)
  },
}

function defaultHolder(): string {
  const script = path.basename(process.argv[1] ?? 'node')
  const name = /^(run|dev)\.js$/.test(script) ? 'ai-how' : script
  return [name, ...process.argv.slice(2)].join(' ').slice(0, 200)
}
