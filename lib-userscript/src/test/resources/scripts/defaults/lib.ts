export default function upper(s: string): string {
  return s.toUpperCase();
}

// the module uses its own default export by name
export function shout(s: string): string {
  return upper(s) + "!";
}
