/** Types of build-inputs.mjs, for the TypeScript that imports it (tests). */
export declare const ROOTS: string[];
export declare const STAMP: string;
export declare function walk(dir: string): AsyncGenerator<string>;
export declare function isBuildCurrent(root: string): Promise<boolean>;
