/** Types of esbuild.config.mjs, for the tests that read its layout (test/packaging/bundle.test.ts). */
export declare const ENTRIES: Readonly<Record<string, readonly string[]>>
export declare const PACKAGES: readonly string[]
export declare const BANNER_MARK: string
export declare function bundle(name: string): Promise<void>
