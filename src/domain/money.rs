//! Money as integer minor units (cents), converted exactly at the wire.
//!
//! Vendors send decimal amounts as JSON numbers (`4`, `69.90`) or strings (`"5.50"`,
//! `"10.00"` percent). Nothing here ever adds floats: a JSON number is turned back into its
//! shortest decimal text (which round-trips exactly for any amount with two decimals) and that
//! text is parsed digit by digit.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Sub};

/// An amount of money in minor units (cents). The currency is the venue's.
///
/// Arithmetic saturates at the bounds of `i64` cents (±92 quadrillion euros): only a broken
/// menu or vendor answer gets there, and a saturated, visibly absurd amount (which a vendor
/// refuses) beats a panic in the middle of a sync pass or a silently wrapped, plausible one.
/// Where an unknown amount is the better answer, use [`Money::checked_mul_qty`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

/// A percentage in hundredths of a percent: `"10.00"` is `Percent(1000)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Percent(i64);

/// Why a decimal amount could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalError {
    pub input: String,
    pub reason: &'static str,
}

impl fmt::Display for DecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not an amount: {}", self.input, self.reason)
    }
}

impl std::error::Error for DecimalError {}

/// Parses a plain decimal (`-12`, `5.5`, `"5.50"`) into an integer scaled by 10^`scale`.
/// More fractional digits than `scale` are accepted only when they are zeros.
fn parse_scaled(text: &str, scale: u32) -> Result<i64, DecimalError> {
    let err = |reason| DecimalError {
        input: text.to_string(),
        reason,
    };
    let s = text.trim();
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, f),
        None => (digits, ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return Err(err("no digits"));
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err("only digits and one decimal point are allowed"));
    }
    let (kept, rest) = frac.split_at(frac.len().min(scale as usize));
    if rest.bytes().any(|b| b != b'0') {
        return Err(err("too many decimal places"));
    }
    let mut value: i64 = 0;
    let padded = kept
        .chars()
        .chain(std::iter::repeat('0'))
        .take(scale as usize);
    for c in whole.chars().chain(padded) {
        let d = i64::from(c as u8 - b'0');
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(d))
            .ok_or_else(|| err("too large"))?;
    }
    Ok(if negative { -value } else { value })
}

/// Formats an integer scaled by 10^`scale` as a decimal with exactly `scale` places.
fn format_scaled(value: i64, scale: u32) -> String {
    let unit = 10_i64.pow(scale);
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    let unit = unit as u64;
    format!(
        "{sign}{}.{:0width$}",
        abs / unit,
        abs % unit,
        width = scale as usize
    )
}

/// The decimal text of a JSON number, exactly as it would be written back (shortest form).
fn number_text(n: &serde_json::Number) -> String {
    // i64/u64 print as integers; f64 prints its shortest round-trip form ("69.9" for 69.90).
    n.to_string()
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_cents(cents: i64) -> Money {
        Money(cents)
    }

    pub const fn cents(self) -> i64 {
        self.0
    }

    /// Parses a decimal amount such as `"5.50"`, `"4"` or `"69.9"`.
    pub fn parse(text: &str) -> Result<Money, DecimalError> {
        parse_scaled(text, 2).map(Money)
    }

    /// Reads a JSON number or string amount.
    pub fn from_json(value: &serde_json::Value) -> Result<Money, DecimalError> {
        match value {
            serde_json::Value::Number(n) => Money::parse(&number_text(n)),
            serde_json::Value::String(s) => Money::parse(s),
            other => Err(DecimalError {
                input: other.to_string(),
                reason: "expected a number or a decimal string",
            }),
        }
    }

    /// `"5.50"`: the string form (Bessa answers, Liefersoft, CSV export).
    pub fn to_decimal_string(self) -> String {
        format_scaled(self.0, 2)
    }

    /// The amount as a JSON number with two decimals, written exactly (`69.90`, `4.00`).
    pub fn to_json_number(self) -> Box<serde_json::value::RawValue> {
        serde_json::value::RawValue::from_string(self.to_decimal_string())
            .expect("a formatted decimal is valid JSON")
    }

    /// The amount as a JSON number in its shortest exact form (`4`, `5.5`), as the Bessa web
    /// app sends it.
    pub fn to_json_number_short(self) -> Box<serde_json::value::RawValue> {
        let text = if self.0 % 100 == 0 {
            (self.0 / 100).to_string()
        } else {
            self.to_decimal_string()
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_string()
        };
        serde_json::value::RawValue::from_string(text).expect("a formatted decimal is valid JSON")
    }

    /// A line's total, or `None` when it does not fit (shown as "no price").
    pub fn checked_mul_qty(self, qty: u32) -> Option<Money> {
        self.0.checked_mul(i64::from(qty)).map(Money)
    }

    /// A line's total, saturated at the bounds (see [`Money`]): for totals that must be a
    /// number, such as an order's sum or a vendor's wire field.
    pub fn saturating_mul_qty(self, qty: u32) -> Money {
        Money(self.0.saturating_mul(i64::from(qty)))
    }

    /// Human form for the screen: `5,50 €` style is left to the UI's locale; this is `5.50`.
    pub fn display(self, currency: &str) -> String {
        format!("{} {currency}", self.to_decimal_string())
    }
}

impl Percent {
    pub const fn from_hundredths(v: i64) -> Percent {
        Percent(v)
    }

    pub const fn hundredths(self) -> i64 {
        self.0
    }

    pub fn parse(text: &str) -> Result<Percent, DecimalError> {
        parse_scaled(text, 2).map(Percent)
    }

    pub fn from_json(value: &serde_json::Value) -> Result<Percent, DecimalError> {
        match value {
            serde_json::Value::Number(n) => Percent::parse(&number_text(n)),
            serde_json::Value::String(s) => Percent::parse(s),
            other => Err(DecimalError {
                input: other.to_string(),
                reason: "expected a number or a decimal string",
            }),
        }
    }

    /// `"10.00"`.
    pub fn to_decimal_string(self) -> String {
        format_scaled(self.0, 2)
    }

    /// The tax contained in a gross amount, rounded half away from zero to the cent, in
    /// integers: gross × rate / (100 % + rate).
    pub fn tax_in_gross(self, gross: Money) -> Money {
        let num = i128::from(gross.0) * i128::from(self.0);
        let den = 10_000 + i128::from(self.0);
        let q = num / den;
        let r = num % den;
        let rounded = if 2 * r.abs() >= den {
            q + num.signum()
        } else {
            q
        };
        Money(rounded as i64)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_decimal_string())
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", self.to_decimal_string())
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0.saturating_sub(rhs.0))
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

/// Serde: written as a decimal string, read from a string or a number.
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_decimal_string())
    }
}

struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a decimal amount as a number or a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        if !v.is_finite() {
            return Err(E::custom("not a finite number"));
        }
        // Rust prints the shortest text that reads back as the same f64: "69.9" for 69.90.
        Ok(v.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        let text = d.deserialize_any(DecimalVisitor)?;
        Money::parse(&text).map_err(de::Error::custom)
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_decimal_string())
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Percent, D::Error> {
        let text = d.deserialize_any(DecimalVisitor)?;
        Percent::parse(&text).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_vendor_wire_forms_exactly() {
        assert_eq!(Money::parse("5.50").unwrap().cents(), 550);
        assert_eq!(Money::parse("4").unwrap().cents(), 400);
        assert_eq!(Money::parse("69.9").unwrap().cents(), 6990);
        assert_eq!(Money::parse("0.05").unwrap().cents(), 5);
        assert_eq!(Money::parse("-1.5").unwrap().cents(), -150);
        assert_eq!(Money::parse("12.500").unwrap().cents(), 1250);
        assert_eq!(Percent::parse("10.00").unwrap().hundredths(), 1000);
        assert_eq!(Percent::parse("7").unwrap().hundredths(), 700);
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for bad in [
            "", "-", ".", "1,50", "1.505", "abc", "1e3", "1.2.3", " 5 5", "NaN",
        ] {
            assert!(Money::parse(bad).is_err(), "{bad:?} must be refused");
        }
        let e = Money::parse("1.505").unwrap_err();
        assert_eq!(e.reason, "too many decimal places");
        assert!(Money::parse("99999999999999999999").is_err());
    }

    #[test]
    fn reads_json_numbers_and_strings_without_float_error() {
        let v: serde_json::Value =
            serde_json::from_str("[69.90, 32.99, 4, \"5.50\", 0.1]").unwrap();
        let got: Vec<i64> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|x| Money::from_json(x).unwrap().cents())
            .collect();
        assert_eq!(got, vec![6990, 3299, 400, 550, 10]);
        let m: Vec<Money> = serde_json::from_str("[102.89, \"141.88\", 38.99]").unwrap();
        assert_eq!(
            m.iter().copied().sum::<Money>().cents(),
            10289 + 14188 + 3899
        );
        assert!(Money::from_json(&serde_json::json!(true)).is_err());
    }

    #[test]
    fn sums_like_the_order_mesa_example() {
        // 69.90 + 32.99 = 102.89 items; 1.00 + 37.99 = 38.99 options; 141.88 in all.
        let items: Money = [6990, 3299].into_iter().map(Money::from_cents).sum();
        let options: Money = [100, 3799].into_iter().map(Money::from_cents).sum();
        assert_eq!(items.to_decimal_string(), "102.89");
        assert_eq!(options.to_decimal_string(), "38.99");
        assert_eq!((items + options).to_decimal_string(), "141.88");
        // Floats would have said 141.88000000000002 or similar; we never go there.
    }

    #[test]
    fn line_totals_never_overflow() {
        let huge = Money::from_cents(i64::MAX / 2);
        assert_eq!(huge.checked_mul_qty(3), None);
        assert_eq!(huge.saturating_mul_qty(3), Money::from_cents(i64::MAX));
        assert_eq!(
            Money::from_cents(-(i64::MAX / 2)).saturating_mul_qty(3),
            Money::from_cents(i64::MIN)
        );
        assert_eq!(
            Money::from_cents(250).saturating_mul_qty(2),
            Money::from_cents(500)
        );
        // A saturated line still sums without a panic.
        let sum: Money = [huge.saturating_mul_qty(3), Money::from_cents(1)]
            .into_iter()
            .sum();
        assert_eq!(sum, Money::from_cents(i64::MAX));
        assert_eq!(
            Money::from_cents(i64::MIN) - Money::from_cents(1),
            Money::from_cents(i64::MIN)
        );
    }

    #[test]
    fn writes_wire_numbers_exactly() {
        let m = Money::from_cents(6990);
        assert_eq!(m.to_json_number().get(), "69.90");
        assert_eq!(m.to_json_number_short().get(), "69.9");
        assert_eq!(Money::from_cents(400).to_json_number_short().get(), "4");
        assert_eq!(Money::from_cents(-5).to_decimal_string(), "-0.05");
        assert_eq!(Money::from_cents(0).to_json_number().get(), "0.00");
        #[derive(Serialize)]
        struct Line {
            price: Box<serde_json::value::RawValue>,
        }
        let json = serde_json::to_string(&Line {
            price: m.to_json_number(),
        })
        .unwrap();
        assert_eq!(json, r#"{"price":69.90}"#);
    }

    #[test]
    fn tax_in_a_gross_price_rounds_half_away_from_zero() {
        let ten = Percent::parse("10.00").unwrap();
        // 4.00 gross at 10 %: 0.3636… → 0.36
        assert_eq!(ten.tax_in_gross(Money::from_cents(400)).cents(), 36);
        // 5.50 gross at 10 %: 0.5 exactly → 0.50
        assert_eq!(ten.tax_in_gross(Money::from_cents(550)).cents(), 50);
        let nineteen = Percent::parse("19").unwrap();
        // 1.19 gross at 19 % → 0.19
        assert_eq!(nineteen.tax_in_gross(Money::from_cents(119)).cents(), 19);
        assert_eq!(
            Percent::from_hundredths(0)
                .tax_in_gross(Money::from_cents(999))
                .cents(),
            0
        );
    }
}
