// The part of lunr 2.3's API the `search` benchmark uses (lunr ships no type declarations).
declare module 'lunr' {
  interface Builder {
    ref(name: string): void;
    field(name: string): void;
    add(doc: object): void;
  }
  interface Result {
    ref: string;
    score: number;
  }
  interface Index {
    search(query: string): Result[];
    toJSON(): object;
  }
  interface Lunr {
    (config: (this: Builder, builder: Builder) => void): Index;
    Index: { load(serialized: object): Index };
  }
  const lunr: Lunr;
  export default lunr;
}
