// What a user would read for a refused call: runc's words (lib/cli/words.ts)
// for the typed error fn throws; anything untyped is a bug and is rethrown.
import { words } from '../../lib/cli/words';
import { RuntsError } from '../../lib/errors';

/** runc's words for what fn throws, or "(no error)" */
export function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof RuntsError) return words(e);
    throw e;
  }
  return '(no error)';
}
