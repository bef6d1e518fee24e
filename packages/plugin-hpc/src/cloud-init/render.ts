/**
 * Renders the NoCloud seed files from this package's templates/cloud-init/*.hbs.
 *
 * YAML safety: handlebars escapes for HTML (`&quot;`, `&#x27;`), which is wrong in YAML, and
 * unescaped text could break the YAML structure. So the templates are compiled with
 * `noEscape: true` and may hold exactly one kind of expression, `{{json value}}`, whose helper
 * prints the value as JSON (a double-quoted string or a flow list; JSON is valid YAML). Each
 * template is checked when loaded: any other expression, block or partial is refused.
 * The instance is isolated (`Handlebars.create()`) and strict (a missing value throws).
 */
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {PluginContractError} from '@ai-how/core'
import {handlebars} from '../lazy-modules.js'
import {templatesDir} from '../templates-dir.js'
import type {SeedView} from './view.js'

export interface SeedFiles {
  'user-data': string
  'meta-data': string
  'network-config': string
}

export const SEED_FILE_NAMES = ['user-data', 'meta-data', 'network-config'] as const

let instance: ReturnType<typeof handlebars> | undefined

function seedHandlebars(): ReturnType<typeof handlebars> {
  if (instance) return instance
  instance = handlebars().create()
  // handlebars' strict mode does not cover helper arguments, so the helper refuses a missing value itself.
  instance.registerHelper('json', (value: unknown) => {
    if (value === undefined) throw new Error('a seed template refers to a value the view does not have')
    return JSON.stringify(value)
  })
  return instance
}

/** Renders the three seed files for a validated view (see seedView). */
export async function renderSeedFiles(view: SeedView, options: {templatesDir?: string} = {}): Promise<SeedFiles> {
  const dir = path.join(options.templatesDir ?? templatesDir(), 'cloud-init')
  const render = async (name: string): Promise<string> => {
    const file = path.join(dir, `${name}.hbs`)
    const source = await readFile(file, 'utf8')
    for (const field of assertJsonOnly(source, file)) {
      if ((view as unknown as Record<string, unknown>)[field] === undefined) throw new Error(`${file}: the seed view has no value "${field}"`)
    }
    return seedHandlebars().compile<SeedView>(source, {strict: true, noEscape: true})(view)
  }
  return {
    'user-data': await render('user-data'),
    'meta-data': await render('meta-data'),
    'network-config': await render('network-config'),
  }
}

/** Refuses any template statement other than text, comments and `{{json name}}`; returns the names used. */
export function assertJsonOnly(source: string, file: string): string[] {
  const used: string[] = []
  for (const statement of handlebars().parse(source).body) {
    if (statement.type === 'ContentStatement' || statement.type === 'CommentStatement') continue
    if (statement.type !== 'MustacheStatement' || !isJsonCall(statement as hbs.AST.MustacheStatement)) {
      const line = statement.loc.start.line
      throw new PluginContractError(`${file}:${line}: only {{json value}} expressions are allowed in cloud-init templates`, {
        code: 'TEMPLATE_UNSAFE',
        actions: ['Emit every value through the json helper, e.g. hostname: {{json hostname}}, so it is quoted for YAML.'],
      })
    }
    used.push(((statement as hbs.AST.MustacheStatement).params[0] as hbs.AST.PathExpression).original)
  }
  return used
}

function isJsonCall(m: hbs.AST.MustacheStatement): boolean {
  return m.escaped && m.path.type === 'PathExpression' && (m.path as hbs.AST.PathExpression).original === 'json' &&
    m.params.length === 1 && m.params[0]?.type === 'PathExpression' && /^[A-Za-z]\w*$/.test((m.params[0] as hbs.AST.PathExpression).original)
}
