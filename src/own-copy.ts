/**
 * A copy of `text` that holds its own characters. A string cut from a larger one (a field the CSV
 * parser cut from a chunk of the file) can share that one's memory and keep all of it alive: a
 * table holding one student ID from each chunk of a 100 MiB export would hold the whole file.
 * What is kept for a whole run is copied once, when first seen; structuredClone copies any string
 * exactly, lone surrogates included, where a UTF-8 round trip would not.
 */
export function ownCopy(text: string): string {
  return structuredClone(text);
}
