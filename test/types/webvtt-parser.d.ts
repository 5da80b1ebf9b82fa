// Minimal types for the npm package webvtt-parser (w3c/webvtt.js), used by the tests to read our VTT back.
declare module 'webvtt-parser' {
  interface ParsedCue {
    startTime: number;
    endTime: number;
    text: string;
  }
  interface ParseResult {
    cues: ParsedCue[];
    errors: { message: string; line: number }[];
  }
  const pkg: {
    WebVTTParser: new () => { parse(input: string, mode?: 'metadata' | 'chapters'): ParseResult };
  };
  export default pkg;
}
