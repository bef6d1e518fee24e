/**
 * Where ai-how keeps the files of a VM cluster: on the libvirt host (the pool folder, the serial
 * console logs) and under the output folder next to the state file (inventory, logs; keys and
 * known_hosts: see ssh/).
 */
import path from 'node:path'
import {assertClusterName} from '../naming/index.js'

/** Parent of every cluster's pool folder unless the caller picks another root. */
export const DEFAULT_POOL_ROOT = '/var/lib/libvirt/images/ai-how'

/** Serial console logs on the libvirt host (written by virtlogd, which may write anywhere). */
export const DEFAULT_CONSOLE_LOG_DIR = '/var/log/libvirt/qemu'

export function poolPath(cluster: string, root: string = DEFAULT_POOL_ROOT): string {
  return path.posix.join(root, assertClusterName(cluster))
}

export function consoleLogPath(vmName: string, dir: string = DEFAULT_CONSOLE_LOG_DIR): string {
  return path.posix.join(dir, `${vmName}-console.log`)
}

/** Generated files of one cluster: `<output>/<cluster>/` (inventory.ini, ...). */
export function clusterOutputDir(outputDir: string, cluster: string): string {
  return path.join(outputDir, assertClusterName(cluster))
}

export function inventoryPath(outputDir: string, cluster: string): string {
  return path.join(clusterOutputDir(outputDir, cluster), 'inventory.ini')
}

export function logsDir(outputDir: string): string {
  return path.join(outputDir, 'logs')
}

/** A timestamp safe in file names: 20250102T030405Z. */
export function fileStamp(now: Date = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
}
