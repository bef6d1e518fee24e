import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'
import {hasCode} from '@ai-how/core'
import type {ClusterDescription, NodeDescription} from '@ai-how/core'
import {buildDomainView} from './domain-view.js'
import {assertTripleStashOnlyForDevices, LibvirtRenderer} from './renderer.js'
import type {DomainView} from './views.js'

const node: NodeDescription = {key: 'controller', vmName: 'x-controller', role: 'controller', path: [], ipPath: [], cpuCores: 2, memoryGb: 2, diskGb: 10, devices: [], autoStart: true}
const cluster: ClusterDescription = {kind: 'hpc', name: 'x', namePath: [], network: {subnet: '10.0.0.0/24', bridge: 'br-x', path: [], subnetPath: [], bridgePath: []}, nodes: [node]}
const hasXmllint = spawnSync('sh', ['-c', 'command -v xmllint']).status === 0
const options = {enableKvm: true, networkName: 'x-network', mac: '02:00:00:00:00:01', diskPath: '/img/x.qcow2', consoleLogPath: '/log/x.log'}

void describe('libvirt renderer', () => {
  void it('escapes values: markup in a kernel command line comes back verbatim from libxml2', {skip: hasXmllint ? false : 'xmllint is not installed (apt-get install libxml2-utils)'}, () => {
    const cmdline = `console=ttyS0 x="<a&b>" y='1'`
    const xml = new LibvirtRenderer().domain(buildDomainView(cluster, node, {...options, kernel: {path: '/boot/vmlinuz', cmdline}}))
    // handlebars writes '=' and "'" as numeric references (&#x3D;, &#x27;); libxml2, as libvirt uses it, decodes them.
    const read = (xpath: string): string => execFileSync('xmllint', ['--xpath', xpath, '-'], {input: xml, encoding: 'utf8'}).replace(/\n$/, '')
    assert.equal(read('string(/domain/os/cmdline)'), cmdline)
    assert.equal(read('count(/domain/os/initrd)'), '0')
  })

  void it('renders no uuid element when libvirt should choose the UUID', () => {
    const xml = new LibvirtRenderer().domain(buildDomainView(cluster, node, options))
    assert.doesNotMatch(xml, /<uuid>/)
    assert.match(xml, /<graphics type='vnc'/)
  })

  void it('is strict: a view that lacks a key is an error, not an empty attribute', () => {
    const incomplete: Partial<DomainView> = buildDomainView(cluster, node, options)
    delete incomplete.nic
    assert.throws(() => new LibvirtRenderer().domain(incomplete as DomainView), /"mac" not defined/)
  })

  void it('allows {{{this}}} only directly inside {{#each devicesXml}}', () => {
    assert.doesNotThrow(() => {
      assertTripleStashOnlyForDevices('{{#each devicesXml}}{{{this}}}{{/each}}', 't')
    })
    assert.doesNotThrow(() => {
      assertTripleStashOnlyForDevices('{{#> domain-layout}}{{#each devicesXml}}{{{this}}}{{/each}}{{/domain-layout}}', 't')
    })
    const refused = ['<name>{{{name}}}</name>', '{{#each hosts}}{{{this}}}{{/each}}', '{{#each devicesXml}}{{else}}{{{this}}}{{/each}}', '{{#if a}}{{{b}}}{{/if}}', '{{#> domain-layout}}{{{name}}}{{/domain-layout}}']
    for (const source of refused) {
      assert.throws(() => {
        assertTripleStashOnlyForDevices(source, 't')
      }, (error: unknown) => hasCode(error, 'TEMPLATE_UNSAFE'), source)
    }
  })

  void it('refuses a templates folder whose domain template or shared layout renders a value unescaped', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ai-how-tpl-'))
    mkdirSync(path.join(dir, 'libvirt'))
    writeFileSync(path.join(dir, 'libvirt', 'domain-layout.xml.hbs'), '<domain><name>{{name}}</name>{{> @partial-block}}</domain>')
    writeFileSync(path.join(dir, 'libvirt', 'domain.xml.hbs'), '{{#> domain-layout}}{{{name}}}{{/domain-layout}}')
    assert.throws(() => new LibvirtRenderer(dir).domain(buildDomainView(cluster, node, options)), (error: unknown) => hasCode(error, 'TEMPLATE_UNSAFE'))
    const layout = mkdtempSync(path.join(tmpdir(), 'ai-how-tpl-'))
    mkdirSync(path.join(layout, 'libvirt'))
    writeFileSync(path.join(layout, 'libvirt', 'domain-layout.xml.hbs'), '<domain><name>{{{name}}}</name>{{> @partial-block}}</domain>')
    writeFileSync(path.join(layout, 'libvirt', 'domain.xml.hbs'), '{{#> domain-layout}}{{/domain-layout}}')
    assert.throws(() => new LibvirtRenderer(layout).domain(buildDomainView(cluster, node, options)), (error: unknown) => hasCode(error, 'TEMPLATE_UNSAFE'))
  })

  void it('renders a role named by the kind\'s template set from that set, other roles from the generic template', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ai-how-kind-tpl-'))
    writeFileSync(path.join(dir, 'head.xml.hbs'), '{{#> domain-layout}}    <!-- head node: {{name}} -->\n{{/domain-layout}}')
    const renderer = new LibvirtRenderer(undefined, {dir, byRole: {[node.role]: 'head.xml.hbs'}})
    assert.match(renderer.domain(buildDomainView(cluster, node, options)), /<!-- head node: [^>]+ -->\n {2}<\/devices>/)
    const other = {...node, role: 'other-role'}
    assert.doesNotMatch(renderer.domain(buildDomainView(cluster, other, options)), /head node/)
  })
})
