// The IndexedDB wrapper the build copies here from node_modules/idb (build/index.js): its types.
export * from 'idb';
