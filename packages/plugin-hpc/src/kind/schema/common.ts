/**
 * Small schema pieces shared by every cluster kind (draft 2020-12). Plain objects with no `$ref`, so a
 * fragment stays valid wherever the loader embeds it. Custom keywords (registered by core's loader):
 * `aiHowPath: true` marks a file path resolved against the config file's folder; `aiHowHint` is extra
 * fix text shown with errors at that field.
 */
import type {JsonSchema} from '@ai-how/core'

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'

/** IPv4 network in CIDR form with real octet (0-255) and prefix (8-30) ranges. */
export const CIDR_PATTERN = `^(${OCTET}\\.){3}${OCTET}/(30|[12][0-9]|[89])$`

/**
 * A bridge name Linux and libvirt both accept: at most 15 bytes (IFNAMSIZ - 1), no "/", ":" or
 * whitespace, not "." or ".." (Linux); starting with a letter or digit, no ".." (libvirt object
 * names, which ai-how also guards against path traversal).
 */
export const BRIDGE_PATTERN = '^(?!.*\\.\\.)[a-zA-Z0-9][a-zA-Z0-9_.-]{0,14}$'

/** A PCI address domain:bus:slot.function with function 0-7. */
export const PCI_ADDRESS_PATTERN = '^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]$'

export const LIBVIRT_URI_PATTERN = '^[a-z][a-z0-9+]*://[^\\s]*$'

export function ipv4(description: string): JsonSchema {
  return {
    type: 'string',
    format: 'ipv4',
    description,
    aiHowHint: 'Write a dotted IPv4 address such as 192.168.100.10 (four numbers 0-255, no leading zeros).',
  }
}

/** A list node's `ip`: an IPv4 address, or DHCP (no reservation; the address is discovered at start). */
export function ipv4OrDhcp(description: string): JsonSchema {
  return {
    type: 'string',
    description,
    if: {const: 'DHCP'},
    else: {format: 'ipv4'},
    aiHowHint: 'Write a dotted IPv4 address inside the cluster subnet (e.g. 192.168.100.11), or DHCP.',
  }
}

export function qcow2Path(description: string): JsonSchema {
  return {
    type: 'string',
    pattern: '\\.qcow2$',
    aiHowPath: true,
    description,
    aiHowHint: 'Point at a qcow2 disk image (the file name must end in .qcow2); a relative path is relative to this config file.',
  }
}

export function filePath(description: string): JsonSchema {
  return {type: 'string', minLength: 1, aiHowPath: true, description}
}

export const libvirtUriSchema: JsonSchema = {
  type: 'string',
  pattern: LIBVIRT_URI_PATTERN,
  description: 'libvirt connection URI for this cluster (default: global.libvirt_uri, then $LIBVIRT_DEFAULT_URI, then qemu:///system).',
  aiHowHint: 'Use a libvirt URI such as qemu:///system, or qemu+ssh://user@host/system for a remote host.',
}

export const sshSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'SSH access to the VMs (default: a key pair that ai-how generates per cluster under output/).',
  properties: {
    user: {
      type: 'string',
      pattern: '^[a-z_][a-z0-9_-]{0,31}$',
      description: 'Login user created in the VMs by cloud-init.',
      aiHowHint: 'A Linux user name: lowercase letters, digits, "_" and "-", starting with a letter or "_".',
    },
    private_key_path: filePath('Unencrypted private key used to log in; its public half is read from <path>.pub or derived from the key.'),
  },
}
