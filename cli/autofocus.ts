export async function autofocusCommand(_a: string[]): Promise<number> {
  return 0;
}
