/**
 * Dependency rules of the gateway (dependencies point one way: see README.md, "Architecture"), checked by
 * `npm run lint:deps` as part of `npm test`.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Import cycles make module boundaries meaningless and break ESM initialisation order. A cycle made only through `import type` is erased by the compiler and does not count.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'shared-not-to-modules',
      severity: 'error',
      comment: 'src/shared is infrastructure every module uses; it must not know any feature module.',
      from: { path: '^src/shared/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'modules-only-through-index',
      severity: 'error',
      comment: "A module uses another module only through that module's index.ts (its public surface).",
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'access-log-uses-no-feature-module',
      severity: 'error',
      comment:
        'The access log is written by everyone and depends on no one: feature modules reach it, never the reverse.',
      from: { path: '^src/modules/access-log/' },
      to: { path: '^src/modules/', pathNot: '^src/modules/access-log/' },
    },
    {
      name: 'witness-standalone',
      severity: 'error',
      comment:
        "The witness (src/witness) runs on a partner's machine: it uses only the Merkle and note code and Node's own modules, never the gateway's modules or a package.",
      from: { path: '^src/witness/' },
      to: {
        pathNot: ['^src/witness/', '^src/modules/access-log/domain/(merkle|note)/', '^src/shared/verification/'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'merkle-and-note-self-contained',
      severity: 'error',
      comment:
        'The Merkle and note code is shared with the witness and verifiers, so it imports nothing but itself, Node and hash-wasm (a WebAssembly SHA-256 with no dependencies of its own, for the interior nodes).',
      from: { path: '^src/modules/access-log/domain/(merkle|note)/', pathNot: '\\.(spec|e2e-spec)\\.ts$' },
      to: {
        pathNot: [
          '^src/modules/access-log/domain/(merkle|note)/',
          '^src/shared/verification/',
          '^node_modules/hash-wasm/',
        ],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'verification-runs-in-browsers',
      severity: 'error',
      comment:
        "src/shared/verification is built into the IG console's browser code as well as run by the gateway: it imports only itself, not even Node's modules.",
      from: { path: '^src/shared/verification/', pathNot: '\\.(spec|e2e-spec)\\.ts$' },
      to: { pathNot: '^src/shared/verification/' },
    },
    {
      name: 'console-browser-code',
      severity: 'error',
      comment:
        "The IG console's browser modules (ig-console/static) import only each other and src/shared/verification (the build checks the same).",
      from: { path: '^src/modules/ig-console/static/' },
      to: { pathNot: ['^src/modules/ig-console/static/', '^src/shared/verification/'] },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        "A module's domain/ holds its rules: it imports no other layer of any module, no framework and no database driver, so it is tested without either.",
      from: { path: '^src/modules/[^/]+/domain/', pathNot: '\\.(spec|e2e-spec)\\.ts$' },
      to: {
        path: [
          '^src/modules/[^/]+/(application|commands|queries|reactions|infrastructure|http)/',
          'node_modules/(@nestjs|typeorm|pg)/',
        ],
      },
    },
    {
      name: 'application-not-to-infrastructure',
      severity: 'error',
      comment:
        'Application code (application/, commands/, queries/, reactions/) reaches storage and the outside world through ports declared in domain/ or src/shared, never an adapter in infrastructure/: a request goes down the layers without climbing back.',
      from: {
        path: '^src/modules/[^/]+/(application|commands|queries|reactions)/',
        pathNot: '\\.(spec|e2e-spec)\\.ts$',
      },
      to: { path: '^src/modules/[^/]+/infrastructure/' },
    },
    {
      name: 'config-not-to-modules',
      severity: 'error',
      comment: 'Configuration is read before any module exists.',
      from: { path: '^src/config/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'no-unresolvable-imports',
      severity: 'error',
      comment: 'Every import must resolve (a failing alias would silently hide a rule violation).',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'app-code-not-to-tests',
      severity: 'error',
      comment: 'Shipped code never imports test helpers or specs.',
      from: { path: '^src/', pathNot: '\\.(spec|e2e-spec)\\.ts$' },
      to: { path: ['^test/', '\\.(spec|e2e-spec)\\.ts$'] },
    },
    {
      name: 'app-code-not-to-dev-dependencies',
      severity: 'error',
      comment: 'A devDependency is missing from a production install (the Docker image runs npm ci --omit=dev).',
      from: { path: '^src/', pathNot: '\\.(spec|e2e-spec)\\.ts$' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Browser files of the pages import by URL (/assets/...), which only the browser resolves.
    exclude: { path: ['^dist/', '^src/modules/web/assets/'] },
    tsPreCompilationDeps: true,
    // Resolves the @shared/*, @modules/*, @config/* aliases exactly as the compiler does.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      // ESM TypeScript imports name the emitted file ('./x.js'); dependency-cruiser maps that
      // to './x.ts' itself when the .ts file exists (the no-unresolvable-imports rule proves it).
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    skipAnalysisNotInRules: true,
  },
};
