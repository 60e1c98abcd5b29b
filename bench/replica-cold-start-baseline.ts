// The baseline of a replica's cold start: a forked Node process with tsx loaded and an IPC
// channel, which says hello at once. Run by bench/replicas.ts.
process.send?.('ready', () => process.disconnect());
