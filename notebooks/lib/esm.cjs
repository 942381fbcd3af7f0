// A real dynamic import() for notebook cells. tslab runs cells as CommonJS in a vm script, where import() has no
// loader callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING) and require() cannot load ESM graphs with top-level
// await (the report module's is one). Called from a CommonJS module on disk, import() works.
module.exports = (specifier) => import(specifier);
