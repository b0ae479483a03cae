export function double(n) {
  return String(Number(n) * 2);
}
