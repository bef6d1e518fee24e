/** Schema of a cluster's virtual network (libvirt NAT network on its own bridge). */
import type {JsonSchema} from '@ai-how/core'
import {BRIDGE_PATTERN, CIDR_PATTERN, ipv4} from './common.js'

export const networkSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['subnet', 'bridge'],
  description: 'The cluster\'s NAT network: one libvirt network on its own bridge, DHCP reservations for every node.',
  properties: {
    subnet: {
      type: 'string',
      pattern: CIDR_PATTERN,
      description: 'IPv4 subnet in CIDR form, e.g. 192.168.100.0/24. Above /16 set dhcp_start and dhcp_end: libvirt takes only a DHCP range inside one /16 block.',
      aiHowHint: 'Write an IPv4 network in CIDR form such as 192.168.100.0/24 (octets 0-255, prefix 8-30).',
    },
    bridge: {
      type: 'string',
      pattern: BRIDGE_PATTERN,
      description: 'Name of the host bridge libvirt creates, e.g. virbr100 (unique per cluster).',
      aiHowHint: 'A Linux interface name: 1-15 characters (IFNAMSIZ - 1) from letters, digits, "_", "." and "-", starting with a letter or digit, without ".." (e.g. virbr100).',
    },
    gateway_ip: ipv4('Host-side address of the network (default: the first address of the subnet).'),
    dhcp_start: ipv4('First address of the DHCP range (default: network address + 10). libvirt takes only a range inside one /16 block.'),
    dhcp_end: ipv4('Last address of the DHCP range (default: broadcast address - 1). libvirt takes only a range inside one /16 block.'),
    dns_servers: {
      type: 'array',
      items: ipv4('A DNS server the network forwards to.'),
      description: 'DNS forwarders (default: the gateway, 8.8.8.8, 1.1.1.1).',
    },
  },
}
