// An actors module with a syntax error on line 3: `repid worker` must name the file and line.
export function broken(text) {
  return text.toUpperCase(;
}
