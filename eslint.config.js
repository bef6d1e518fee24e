import js from '@eslint/js'
import tseslint from 'typescript-eslint'

import globals from 'globals'

export default tseslint.config(
  {ignores: ['**/node_modules/**', '**/dist/**', 'output/**', 'tmp/**', '.e2e-cache/**', 'test/fixtures/**/node_modules/**', '**/*.d.ts']},
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {parserOptions: {projectService: {allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs', 'packages/core/bin/*.js', 'test/fixtures/*/*.js']}, tsconfigRootDir: import.meta.dirname}},
    linterOptions: {reportUnusedDisableDirectives: 'error'},
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', {allowNumber: true}],
      'max-lines': ['warn', {max: 300, skipBlankLines: true, skipComments: true}],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node},
  },
)
