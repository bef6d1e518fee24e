/**
 * Renders the libvirt XML templates (this package's templates/libvirt/*.hbs) from typed view models, on an
 * isolated handlebars instance (no helpers or partials shared with other plugins) compiled with
 * `strict: true` (a missing key throws instead of rendering ''). Each template is checked when it
 * is loaded: the only unescaped expression allowed is `{{{this}}}` directly inside
 * `{{#each devicesXml}}` (plugin-contributed device XML, checked as well-formed by the builder).
 *
 * Domains render per kind and role: a kind passes a DomainTemplateSet (its own folder and a
 * template per role, e.g. the cloud kind's control plane without hostdevs); every template wraps
 * the shared partial `domain-layout` (templates/libvirt/domain-layout.xml.hbs), and roles the set
 * does not name use the generic templates/libvirt/domain.xml.hbs.
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {PluginContractError} from '@ai-how/core'
import {libvirtTemplatesDir} from '../templates-dir.js'
import {handlebars} from '../lazy-modules.js'
import type {DomainView, NetworkView, PoolView, VolumeView} from './views.js'

type Node = hbs.AST.Statement | hbs.AST.Program

/** Refuses any `{{{...}}}` other than `{{{this}}}` directly inside `{{#each devicesXml}}`. */
export function assertTripleStashOnlyForDevices(source: string, file: string): void {
  const visit = (node: Node, inDevices: boolean): void => {
    if (node.type === 'Program') {
      for (const s of (node as hbs.AST.Program).body) visit(s, inDevices)
      return
    }
    if (node.type === 'MustacheStatement') {
      const m = node as hbs.AST.MustacheStatement
      const original = (m.path as hbs.AST.PathExpression).original
      if (!m.escaped && !(inDevices && original === 'this')) {
        throw new PluginContractError(`${file}:${m.loc.start.line}: unescaped {{{${original}}}} outside {{#each devicesXml}}`, {
          code: 'TEMPLATE_UNSAFE',
          actions: ['Use {{value}} (escaped) for every value; only contributed device XML may be rendered verbatim.'],
        })
      }
      return
    }
    if (node.type === 'PartialBlockStatement') {
      visit((node as hbs.AST.PartialBlockStatement).program, false)
      return
    }
    if (node.type === 'BlockStatement') {
      const b = node as hbs.AST.BlockStatement
      const param = b.params[0] as hbs.AST.PathExpression | undefined
      const isDevices = b.path.original === 'each' && param?.original === 'devicesXml'
      visit(b.program, isDevices)
      // handlebars leaves `inverse` undefined when a block has no {{else}}, whatever its typings say.
      const inverse = b.inverse as hbs.AST.Program | undefined
      if (inverse) visit(inverse, false)
    }
  }
  visit(handlebars().parse(source), false)
}

/** A kind's own domain templates: a folder and the template file (in it) of each role it names. */
export interface DomainTemplateSet {
  dir: string
  byRole: Readonly<Record<string, string>>
}

function loadChecked(file: string): string {
  const source = readFileSync(file, 'utf8')
  assertTripleStashOnlyForDevices(source, file)
  return source
}

export class LibvirtRenderer {
  // Made on the first render, not on construction: `hpc status` builds a renderer and renders nothing.
  private hbsInstance: ReturnType<ReturnType<typeof handlebars>['create']> | undefined
  private get hbs(): ReturnType<ReturnType<typeof handlebars>['create']> {
    return (this.hbsInstance ??= handlebars().create())
  }
  private readonly cache = new Map<string, HandlebarsTemplateDelegate>()
  private layoutLoaded = false

  constructor(
    readonly templatesDir: string = libvirtTemplatesDir(),
    readonly domainTemplates?: DomainTemplateSet,
  ) {}

  private renderFile(file: string, view: object): string {
    let template = this.cache.get(file)
    if (!template) {
      if (!this.layoutLoaded) {
        this.hbs.registerPartial('domain-layout', loadChecked(path.join(this.templatesDir, 'libvirt', 'domain-layout.xml.hbs')))
        this.layoutLoaded = true
      }
      template = this.hbs.compile(loadChecked(file), {strict: true})
      this.cache.set(file, template)
    }
    return template(view)
  }

  private render(name: string, view: object): string {
    return this.renderFile(path.join(this.templatesDir, 'libvirt', `${name}.xml.hbs`), view)
  }

  /** The template file of a domain of `role`: the kind's own, or the generic one. */
  domainTemplateFile(role: string): string {
    const own = this.domainTemplates?.byRole[role]
    return own === undefined || this.domainTemplates === undefined ? path.join(this.templatesDir, 'libvirt', 'domain.xml.hbs') : path.join(this.domainTemplates.dir, own)
  }

  domain(view: DomainView): string {
    return this.renderFile(this.domainTemplateFile(view.owner.role), view)
  }

  network(view: NetworkView): string {
    return this.render('network', view)
  }

  pool(view: PoolView): string {
    return this.render('pool', view)
  }

  volume(view: VolumeView): string {
    return this.render('volume', view)
  }
}
