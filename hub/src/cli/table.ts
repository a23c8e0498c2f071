// A plain-text table as kubectl prints one: upper-case headers, columns padded to their widest cell and
// three spaces apart, no trailing spaces. Cells are printed as they are given, one line each.
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const oneLine = (cell: string): string => cell.replace(/[\r\n\t]+/g, ' ');
  const all = [headers, ...rows].map((row) => row.map(oneLine));
  const widths = headers.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('   ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}
