/** The bundler matrix's job options. */
export declare const OPTIONS: { f: 'jpg'; inter: number; tw: number; th: number; sw: number; sh: number };
/** Runs a job for each video chosen in `input` and writes its outcome into `out` as JSON. */
export declare function attach(input: HTMLInputElement, out: HTMLElement): void;
