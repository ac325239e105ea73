/**
 * Dollar amounts as the cost rules, hints and reports print them: "$1,234", rounded to the dollar.
 * Grouped by hand rather than with `toLocaleString("en-US")`: the first call of that builds ICU's
 * number formatter (about 10 ms of every plan), and the output is the same for whole numbers.
 */
export function dollars(usd: number): string {
  return `$${groupThousands(Math.round(usd))}`;
}

/** 1234567 → "1,234,567"; -1234 → "-1,234". For integers. */
export function groupThousands(n: number): string {
  const digits = String(Math.abs(n));
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ",";
    out += digits[i];
  }
  return n < 0 ? `-${out}` : out;
}
