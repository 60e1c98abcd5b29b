// esbuild bundles imported CSS into a stylesheet next to the script.
declare module '*.css';
