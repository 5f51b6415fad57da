/**
 * Parsers for numeric flag values, shared by the client commands and `atagent server` (which
 * must not load the client). A bad value is a usage error naming the flag.
 */
import { InvalidArgumentError } from 'commander';

/** Parses a whole number in [minimum, maximum], naming the flag in the error. */
export function integerFlag(name: string, minimum = 0, maximum = Number.MAX_SAFE_INTEGER): (value: string) => number {
  const range = maximum === Number.MAX_SAFE_INTEGER ? `>= ${minimum}` : `from ${minimum} to ${maximum}`;
  return (value: string) => {
    const number = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(number) || number < minimum || number > maximum) {
      throw new InvalidArgumentError(`${name} must be an integer ${range}`);
    }
    return number;
  };
}
