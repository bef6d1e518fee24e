/**
 * Bundles each package's src/bundle.ts into its dist/bundle.js (over tsc's unbundled one), after
 * `tsc -b` (npm run build): the module its package.json `exports`, `oclif.commands` (the `explicit`
 * strategy) and `oclif.hooks` name, so `ai-how` reads four files instead of a few hundred
 * (start-up time: docs/benchmarks.md, bench/startup.mjs).
 * - core's bundle holds @oclif/core, yaml and listr2, and exports @oclif/core as `oclif`; the
 *   plugins' bundles take @oclif/core from there (one copy, already loaded). execa, which the
 *   plugins import on first use (`await import`), stays unevaluated in their bundles until then.
 * - Not bundled: the @ai-how packages (each is one shared module: an installed plugin imports the
 *   same ones through the links of core's init hook), oclif's plugins (they run their own
 *   @oclif/core), what is loaded on first use only (`require` of ajv, handlebars, ssh2,
 *   fast-xml-parser; @kubernetes/client-node), and TypeScript loaders oclif looks for in development.
 * - `import.meta.dirname` in a bundled source file becomes the folder tsc would have put that module
 *   in (templates and playbooks are found relative to it), so both builds find the same files.
 *   node bundle --check  exits 1 when a dist/bundle.js is not esbuild's (a build without this step).
 */
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {build} from 'esbuild'

const root = import.meta.dirname
export const PACKAGES = ['core', 'plugin-hpc', 'plugin-gpu-passthrough', 'plugin-cloud']
/** The first line of every bundle: what tells it from tsc's dist/bundle.js. */
export const BANNER_MARK = '// ai-how bundle (esbuild.config.mjs)'
// CommonJS code inside an ESM bundle (@oclif/core) calls `require` and reads __dirname/__filename.
const BANNER = [
  BANNER_MARK,
  "import {createRequire as __aiHowCreateRequire} from 'node:module'",
  'const require = __aiHowCreateRequire(import.meta.url)',
  'const __filename = import.meta.filename',
  'const __dirname = import.meta.dirname',
].join('\n')
const EXTERNAL = ['@ai-how/*', '@oclif/plugin-*', '@kubernetes/client-node', 'typescript', 'ts-node', 'tsx', 'tsx/*']

/** `import.meta.dirname` of each source file of `pkgDir`/src, as tsc's output in dist/ would see it. */
function moduleDirs(pkgDir) {
  const src = path.join(pkgDir, 'src')
  return {
    name: 'module-dirs',
    setup(b) {
      b.onLoad({filter: /\.ts$/}, (args) => {
        const text = readFileSync(args.path, 'utf8')
        if (!args.path.startsWith(src + path.sep) || !text.includes('import.meta.dirname')) return undefined
        const rel = path.relative(src, path.dirname(args.path)).split(path.sep).join('/')
        const dir = rel === '' ? 'import.meta.dirname' : `(import.meta.dirname + ${JSON.stringify('/' + rel)})`
        return {contents: text.replaceAll('import.meta.dirname', dir), loader: 'ts'}
      })
    },
  }
}

/** In a plugin's bundle, `@oclif/core` is the one core's bundle holds. */
const fromCore = {
  name: 'from-core',
  setup(b) {
    b.onResolve({filter: /^@oclif\/core$/}, (args) => ({path: args.path, namespace: 'from-core'}))
    b.onLoad({filter: /.*/, namespace: 'from-core'}, () => ({
      contents: "import {oclif} from '@ai-how/core'\nexport const {Args, Command, Errors, Flags, ux} = oclif",
      loader: 'js',
      resolveDir: root,
    }))
  },
}

export async function bundle(name) {
  const pkgDir = path.join(root, 'packages', name)
  const entry = path.join(pkgDir, 'src/bundle.ts')
  if (!existsSync(entry)) throw new Error(`${entry} is missing`)
  await build({
    entryPoints: [entry],
    outfile: path.join(pkgDir, 'dist/bundle.js'),
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    banner: {js: BANNER},
    plugins: name === 'core' ? [moduleDirs(pkgDir)] : [fromCore, moduleDirs(pkgDir)],
    legalComments: 'none',
    logLevel: 'warning',
  })
}

if (process.argv[1] === import.meta.filename) {
  if (process.argv.includes('--check')) {
    const plain = PACKAGES.filter((p) => !readFileSync(path.join(root, 'packages', p, 'dist/bundle.js'), 'utf8').startsWith(BANNER_MARK))
    if (plain.length > 0) throw new Error(`not bundled: ${plain.join(', ')} (run npm run build)`)
  } else {
    for (const name of PACKAGES) await bundle(name)
  }
}
