/**
 * Which source file each base volume was imported from, as it was then (size and modification
 * time), kept in the state entry under `base_images`. A later start that finds the source changed
 * warns: the base volume (and every disk backed by it) still holds the old image.
 */
import {stat} from 'node:fs/promises'
import type {ClusterStateEntry} from '@ai-how/core'

export interface ImageFingerprint {
  source: string
  size: number
  mtime: string
}

/** The fingerprint of a local image file, or undefined when it cannot be read from here (remote libvirt host). */
export async function fingerprint(source: string): Promise<ImageFingerprint | undefined> {
  try {
    const s = await stat(source)
    return {source, size: s.size, mtime: s.mtime.toISOString()}
  } catch {
    return undefined
  }
}

function isFingerprint(value: unknown): value is ImageFingerprint {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.source === 'string' && typeof v.size === 'number' && typeof v.mtime === 'string'
}

/** The fingerprints recorded in a state entry, by base volume name. */
export function recordedFingerprints(entry: ClusterStateEntry | undefined): Record<string, ImageFingerprint> {
  const recorded = entry?.base_images
  if (typeof recorded !== 'object' || recorded === null) return {}
  return Object.fromEntries(Object.entries(recorded).filter((e): e is [string, ImageFingerprint] => isFingerprint(e[1])))
}

/** Why the source of a kept base volume no longer matches what was imported, or undefined when it does (or is unknown). */
export function sourceChange(recorded: ImageFingerprint | undefined, now: ImageFingerprint | undefined): string | undefined {
  if (recorded === undefined || now === undefined) return undefined
  if (recorded.source !== now.source) return `it was imported from ${recorded.source}`
  if (recorded.size !== now.size || recorded.mtime !== now.mtime) return `${now.source} changed since it was imported (${recorded.size} bytes, ${recorded.mtime}; now ${now.size} bytes, ${now.mtime})`
  return undefined
}
