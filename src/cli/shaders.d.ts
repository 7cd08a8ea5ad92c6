// The engine reaches the WGSL kernels (imported as text, `?raw`): Vite supplies them in the tab and
// in tests, bin/wgsl-loader.mjs when the CLI runs under Node. No DOM types come with this.
declare module '*.wgsl?raw' {
  const code: string;
  export default code;
}
