/**
 * Name checks applied before a name reaches libvirt XML or a command line. Cluster names come from
 * the config (the schema uses the same pattern); object names are what ai-how derives from them.
 */
import {ConfigError} from '@ai-how/core'

/** A cluster `name:`: lowercase, starts with a letter, at most 41 characters (safe in every libvirt name). */
export const CLUSTER_NAME_PATTERN = '^[a-z][a-z0-9-]{0,40}$'

const CLUSTER_NAME = new RegExp(CLUSTER_NAME_PATTERN)

/** A libvirt object name (domain, network, pool, volume): no spaces, slashes, quotes or XML specials. */
const OBJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

export function isValidClusterName(name: string): boolean {
  return CLUSTER_NAME.test(name)
}

export function isSafeObjectName(name: string): boolean {
  return OBJECT_NAME.test(name) && !name.includes('..')
}

/** Throws a ConfigError (exit 2) unless `name` is a valid cluster name. */
export function assertClusterName(name: string): string {
  if (!isValidClusterName(name)) {
    throw new ConfigError(`invalid cluster name ${JSON.stringify(name)}`, {
      code: 'NAME_INVALID',
      actions: ['Use a lowercase name that starts with a letter and holds only a-z, 0-9 and "-" (at most 41 characters), e.g. "hpc-cluster".'],
    })
  }
  return name
}

/** Throws a ConfigError (exit 2) unless `name` is safe as a libvirt object name or a command argument. */
export function assertSafeObjectName(name: string, what = 'object'): string {
  if (!isSafeObjectName(name)) {
    throw new ConfigError(`unsafe libvirt ${what} name ${JSON.stringify(name)}`, {
      code: 'NAME_UNSAFE',
      actions: ['Names may hold only letters, digits, ".", "_" and "-", must start with a letter or digit and be at most 100 characters.'],
    })
  }
  return name
}
