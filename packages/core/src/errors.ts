/**
 * The one errors module of ai-how. Every error a user can see is an AiHowError: a stable `code`,
 * the process `exitCode` (0 ok, 1 operation failed, 2 usage or configuration error) and `actions`
 * (what to do next). Plugins may carry their own copy of this module, so errors are recognised by
 * shape (`isAiHowError`) and by `code`, never with `instanceof`.
 */

export const EXIT_OK = 0
export const EXIT_FAILED = 1
export const EXIT_USAGE = 2

export interface AiHowErrorOptions {
  code: string
  exitCode?: number
  actions?: readonly string[]
  cause?: unknown
  details?: unknown
}

export class AiHowError extends Error {
  readonly code: string
  readonly exitCode: number
  readonly actions: readonly string[]
  readonly details: unknown

  constructor(message: string, options: AiHowErrorOptions) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'AiHowError'
    this.code = options.code
    this.exitCode = options.exitCode ?? EXIT_FAILED
    this.actions = options.actions ?? []
    this.details = options.details
  }
}

/** Bad flags, arguments or a refused prompt: exit 2. */
export class UsageError extends AiHowError {
  constructor(message: string, options: Omit<AiHowErrorOptions, 'exitCode'>) {
    super(message, {...options, exitCode: EXIT_USAGE})
    this.name = 'UsageError'
  }
}

/** The configuration is invalid: exit 2. `details` holds the list of ConfigIssue. */
export class ConfigError extends AiHowError {
  constructor(message: string, options: Omit<AiHowErrorOptions, 'exitCode'>) {
    super(message, {...options, exitCode: EXIT_USAGE})
    this.name = 'ConfigError'
  }
}

/** The state file cannot be read, written or locked: exit 1. */
export class StateError extends AiHowError {
  constructor(message: string, options: AiHowErrorOptions) {
    super(message, options)
    this.name = 'StateError'
  }
}

/** libvirt (virsh, qemu-img) refused or failed: exit 1. */
export class HypervisorError extends AiHowError {
  constructor(message: string, options: AiHowErrorOptions) {
    super(message, options)
    this.name = 'HypervisorError'
  }
}

/** A plugin broke a contract or one of its hooks threw: exit 1. */
export class PluginContractError extends AiHowError {
  constructor(message: string, options: AiHowErrorOptions) {
    super(message, options)
    this.name = 'PluginContractError'
  }
}

/** The host cannot do what was asked (no KVM, IOMMU off, missing tool): exit 1. */
export class HostError extends AiHowError {
  constructor(message: string, options: AiHowErrorOptions) {
    super(message, options)
    this.name = 'HostError'
  }
}

export interface AiHowErrorLike {
  name: string
  message: string
  code: string
  exitCode: number
  actions: readonly string[]
  details?: unknown
}

/** Recognises an ai-how error from any copy of this module (by shape, not by class). */
export function isAiHowError(error: unknown): error is AiHowErrorLike {
  if (typeof error !== 'object' || error === null) return false
  const e = error as Record<string, unknown>
  return typeof e.code === 'string' && typeof e.exitCode === 'number' && Array.isArray(e.actions) && typeof e.message === 'string'
}

/** True when `error` is an ai-how error with this code. */
export function hasCode(error: unknown, code: string): boolean {
  return isAiHowError(error) && error.code === code
}

export interface ErrorJson {
  name: string
  code: string
  message: string
  exitCode: number
  actions: readonly string[]
  details?: unknown
}

/** The JSON shape of any error, for `--json` output. Unknown errors are internal failures (exit 1). */
export function errorToJson(error: unknown): ErrorJson {
  if (isAiHowError(error)) {
    const json: ErrorJson = {name: error.name, code: error.code, message: error.message, exitCode: error.exitCode, actions: error.actions}
    if (error.details !== undefined) json.details = error.details
    return json
  }
  const message = error instanceof Error ? error.message : String(error)
  const name = error instanceof Error ? error.name : 'Error'
  return {name, code: 'INTERNAL', message, exitCode: EXIT_FAILED, actions: ['This is a bug in ai-how or a plugin: rerun with DEBUG=ai-how* and report it.']}
}
