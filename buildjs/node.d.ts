// The few Node.js APIs the build's scripts use, typed as Node.js documents them: the project
// pins no @types/node (its npm packages are the runtimes it ships and the tools that check it).

declare const process: {
  /** The node binary, the script, then the script's own arguments. */
  readonly argv: readonly string[];
  readonly stdout: { write(text: string): boolean };
  readonly stderr: { write(text: string): boolean };
  /** What the process exits with once its work is done. */
  exitCode: number | undefined;
};

declare module 'node:fs' {
  export function readFileSync(path: string): Uint8Array;
  export function writeFileSync(path: string, data: Uint8Array): void;
}

declare module 'node:path' {
  export function basename(path: string): string;
}
