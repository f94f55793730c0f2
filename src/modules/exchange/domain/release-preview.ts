/**
 * Which released fields a projected case (the `data` of a response bundle) holds a value for:
 * a field the agreement covers may still have nothing in it now (no assessment yet, no MAPPA
 * management, no health notes). Names only: nothing of the values leaves this function.
 */
export function fieldsHeld(data: Record<string, unknown>, released: readonly string[]): string[] {
  return released.filter((f) => held(data, f));
}

function held(data: Record<string, unknown>, field: string): boolean {
  if (field === 'needs.notes') {
    const needs = data.needs;
    return Array.isArray(needs) && needs.some((n) => filled((n as Record<string, unknown>).notes));
  }
  let at: unknown = data;
  for (const part of field.split('.')) {
    if (typeof at !== 'object' || at === null) return false;
    at = (at as Record<string, unknown>)[part];
  }
  return filled(at);
}

function filled(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}
