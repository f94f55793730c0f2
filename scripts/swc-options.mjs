// One SWC configuration for the build and for Jest, so tests run the code as shipped.
import path from 'node:path';

export function swcOptions(root = process.cwd()) {
  return {
    sourceMaps: true,
    module: { type: 'es6', resolveFully: true },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
      baseUrl: path.resolve(root),
      paths: {
        '@shared/*': ['src/shared/*'],
        '@modules/*': ['src/modules/*'],
        '@config/*': ['src/config/*'],
        '@test/*': ['test/*'],
      },
    },
  };
}
