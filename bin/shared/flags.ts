/** Small flag helpers every command shares. */

/** Commander's accumulator for repeatable flags (`-c a=1 -c b=2`); without a default the help shows none. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
