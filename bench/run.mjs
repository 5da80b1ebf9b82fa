// The benchmark lands with its own issue; until then this says so instead of pretending to measure.
console.log('npm run bench: not yet — the benchmark (ours vs the ffmpeg CLI and plain ffmpeg.wasm) is a later issue.');
