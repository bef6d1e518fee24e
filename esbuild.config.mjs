/**
 * Bundles each package's entries (ENTRIES) into dist/ over tsc's unbundled modules of the same names,
 * after `tsc -b` (npm run build): the modules its package.json `exports`, `oclif.commands` (the
 * `explicit` strategy) and `oclif.hooks` name, so `ai-how` reads a few files instead of a few hundred
 * (start-up time: docs/benchmarks.md, bench/startup.mjs).
 * - core: main.ts (bin/run.js), oclif-hooks.ts (run before every command, `--version` included) and
 *   bundle.ts (library and commands), with what they share (@oclif/core) in dist/chunk-*.js; its
 *   library exports @oclif/core and yaml as `oclif` and `yaml`, which the plugins' bundles use (one
 *   copy, loaded once). execa, which the plugins import on first use (`await import`), stays
 *   unevaluated in their bundles until then.
 * - Not bundled: the @ai-how packages (each is one shared module: an installed plugin imports the
 *   same ones through the links of core's init hook), oclif's plugins (they run their own
 *   @oclif/core), what is loaded on first use only (`require` of ajv, handlebars, ssh2,
 *   fast-xml-parser; @kubernetes/client-node), and TypeScript loaders oclif looks for in development.
 * - `import.meta.dirname` in a bundled source file becomes the folder tsc would have put that module
 *   in (templates and playbooks are found relative to it), so both builds find the same files.
 *   node bundle --check  exits 1 when a dist/bundle.js is not esbuild's (a build without this step).
 */
import {existsSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import path from 'node:path'
import {build} from 'esbuild'

const root = import.meta.dirname
/** Each package's entry modules, src/<name>.ts bundled into dist/<name>.js. */
export const ENTRIES = {
  core: ['main', 'oclif-hooks', 'bundle'],
  'plugin-hpc': ['bundle'],
  'plugin-gpu-passthrough': ['bundle'],
  'plugin-cloud': ['bundle'],
}
export const PACKAGES = Object.keys(ENTRIES)
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

/** In a plugin's bundle, @oclif/core and yaml are the ones core's bundle holds (names esbuild checks). */
const FROM_CORE = {
  '@oclif/core': "import {oclif} from '@ai-how/core'\nexport const {Args, Command, Errors, Flags, ux} = oclif",
  yaml: "import {yaml} from '@ai-how/core'\nexport const {parse, parseDocument, stringify, isMap, isScalar, isSeq} = yaml",
}
const fromCore = {
  name: 'from-core',
  setup(b) {
    b.onResolve({filter: /^(@oclif\/core|yaml)$/}, (args) => ({path: args.path, namespace: 'from-core'}))
    b.onLoad({filter: /.*/, namespace: 'from-core'}, (args) => ({
      contents: FROM_CORE[args.path],
      loader: 'js',
      resolveDir: root,
    }))
  },
}

export async function bundle(name) {
  const pkgDir = path.join(root, 'packages', name)
  const entries = ENTRIES[name].map((entry) => path.join(pkgDir, 'src', `${entry}.ts`))
  for (const entry of entries) if (!existsSync(entry)) throw new Error(`${entry} is missing`)
  // Chunks of an earlier build (their names carry a hash of their contents) would be packed too.
  for (const file of readdirSync(path.join(pkgDir, 'dist'))) if (/^chunk-.*\.js$/.test(file)) rmSync(path.join(pkgDir, 'dist', file))
  await build({
    entryPoints: entries,
    outdir: path.join(pkgDir, 'dist'),
    // In dist/ itself (not a subfolder), so `import.meta.dirname` is dist/ in every output file.
    chunkNames: 'chunk-[hash]',
    splitting: entries.length > 1,
    allowOverwrite: true,
    minifyWhitespace: true,
    minifySyntax: true,
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
    const files = PACKAGES.flatMap((p) => ENTRIES[p].map((e) => path.join('packages', p, 'dist', `${e}.js`)))
    const plain = files.filter((file) => !readFileSync(path.join(root, file), 'utf8').startsWith(BANNER_MARK))
    if (plain.length > 0) throw new Error(`not bundled: ${plain.join(', ')} (run npm run build)`)
  } else {
    for (const name of PACKAGES) await bundle(name)
  }
}
