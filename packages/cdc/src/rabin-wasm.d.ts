// rabin-wasm ships no types for its entry point; src/rabin.ts casts it to the part it uses.
declare module 'rabin-wasm';
